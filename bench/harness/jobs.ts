/**
 * Section 5 of the harness bench: trials per second against --jobs, from 1 to the CPUs this
 * process may use, with the ratio to --jobs 1. Each group is one thread of the in-worker
 * plain-increment suite, and groups get one core each (floorCores 1, as the planner allows only
 * for such benchmarks: a real run gives a group at least two), so that on a 2-core machine two
 * groups do run side by side. Every group runs in its own child process, --jobs 1 included, and
 * the clock covers their start-up too: the figure is what a run of this many trials gets.
 */
import { runParallel } from '../../harness/core/parallel/parallel-run.js';
import { hasAffinity } from '../../harness/core/execute/pinned.js';
import { runCpus } from '../../harness/core/parallel/lane-plan.js';
import { plan } from '../../harness/core/plan/plan.js';
import { WorkerGroups } from '../../harness/core/execute/pools.js';
import { makeRow, type Row } from '../lib/row.js';

const SUITE = new URL('./plain-increment-in-workers-suite.js', import.meta.url).pathname;

/**
 * Trials of one measurement, split among the groups. Enough that each group's start-up (a process,
 * its modules, a worker: ~0.5 s of CPU, paid at every --jobs value) does not decide the ratio: with
 * 16,000,000 it read 1.44-1.52x in session 14, against 1.82x with 48,000,000, while two
 * 8,000,000-trial runs confined by hand to a core each took as long side by side as one alone.
 */
const TRIALS = 48_000_000;

async function rateWithJobs(jobs: number, cpus: number[]): Promise<number> {
  const items = await plan({ suites: [SUITE], seed: `bench-jobs-${jobs}`, threads: [1], cores: ['all'], jitter: ['none'], schedule: ['free'] }, hasAffinity());
  const groups = new WorkerGroups();
  try {
    const t0 = performance.now();
    const gen = runParallel({
      items,
      lanes: { jobs, cpus, affinity: hasAffinity(), floorCores: 1 },
      one: { timeoutMs: 5000, traceEvents: 48, budget: {}, groups },
      budgetOf: () => ({ runs: TRIALS }),
      runs: TRIALS,
      failFast: false,
      announce: false,
      t0,
      trialsBefore: 0,
      failuresBefore: 0,
    });
    let next = await gen.next();
    while (next.done !== true) next = await gen.next();
    const trials = next.value.results.reduce((n, r) => n + (r?.trials ?? 0), 0);
    if (trials !== TRIALS) throw new Error(`--jobs ${jobs}: ran ${trials} of ${TRIALS} trials`);
    return trials / ((performance.now() - t0) / 1000);
  } finally {
    await groups.close();
  }
}

export async function jobsRows(reps: number): Promise<Row[]> {
  const cpus = runCpus();
  const byJobs = new Map<number, number[]>();
  for (let i = 0; i < reps; i++) {
    for (let jobs = 1; jobs <= cpus.length; jobs++) {
      const list = byJobs.get(jobs) ?? [];
      list.push(await rateWithJobs(jobs, cpus));
      byJobs.set(jobs, list);
    }
  }
  const one = byJobs.get(1)!;
  return [...byJobs].map(([jobs, rates]) =>
    makeRow({ section: '5 jobs', name: `--jobs ${jobs}, 1-thread in-worker groups`, unit: 'trials/s', sense: 'higher-is-better', baselineName: '--jobs 1', figure: rates, baseline: one, ...(jobs === 2 ? { goal: 1.8 } : {}) }),
  );
}

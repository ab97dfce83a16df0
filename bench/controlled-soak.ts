/**
 * No false alarms under controlled scheduling (issue 13): every correct variant of the core suites
 * and every shakedown implementation of the conformance suites, planned with `--schedule ctl`, run
 * for a fixed number of trials each; any failed trial, error, hang or over-long schedule is an
 * alarm on correct code. Prints one line per configuration and the total, and writes
 * out/controlled-soak.json. Trials per configuration: SOAK_CORE_RUNS (default 2,000) and
 * SOAK_CONFORMANCE_RUNS (default 200); SOAK_GREP picks configurations by key, SOAK_SEED the seed.
 * BENCHMARKS.md "Controlled scheduling: no false alarms" gives the figures measured with it.
 */
import { executeConfiguration } from '../harness/core/execute/executor.js';
import { WorkerGroups } from '../harness/core/execute/pools.js';
import { plan } from '../harness/core/plan/plan.js';
import { writeJsonAtomic } from './lib/atomic-write.js';

const coreRuns = Number(process.env.SOAK_CORE_RUNS ?? 2000);
const conformanceRuns = Number(process.env.SOAK_CONFORMANCE_RUNS ?? 200);
const pick = new RegExp(process.env.SOAK_GREP ?? '.');
const seed = process.env.SOAK_SEED ?? 'controlled-soak';

interface Row {
  key: string;
  trials: number;
  failedTrials: number;
  errors: number;
  hangs: number;
  tooLong: number;
  stepsPerTrial: number;
  maxSteps: number;
  usPerTrial: number;
  failing: string[];
  token?: string;
}

const planned = [...(await plan({ suites: [], schedule: ['ctl'], seed }, false)), ...(await plan({ suites: ['conformance'], schedule: ['ctl'], seed }, false))].filter(
  (p) => !p.config.canary && p.skip === undefined && pick.test(p.config.key),
);
const groups = new WorkerGroups();
const rows: Row[] = [];
try {
  for (const p of planned) {
    const runs = p.config.key.startsWith('conformance/') ? conformanceRuns : coreRuns;
    let steps = 0;
    let summaries = 0;
    let tooLong = 0;
    let maxSteps = 0;
    const started = performance.now();
    const r = await executeConfiguration(p.suite, p.config, {
      timeoutMs: 1000,
      traceEvents: 8,
      budget: { runs },
      groups,
      onControlledTrial: (_trial, c) => {
        steps += c.steps;
        summaries++;
        maxSteps = Math.max(maxSteps, c.steps);
        if (c.tooLong !== undefined) tooLong++;
      },
    });
    const ms = performance.now() - started;
    const token = [...r.invariants.flatMap((i) => i.samples), ...r.errors.samples][0]?.replay;
    const row: Row = {
      key: p.config.key,
      trials: r.trials,
      failedTrials: r.failedTrials,
      errors: r.errors.count,
      hangs: r.hangs.count,
      tooLong,
      stepsPerTrial: Math.round(steps / Math.max(1, summaries)),
      maxSteps,
      usPerTrial: Math.round((ms * 1000) / Math.max(1, r.trials)),
      failing: r.invariants.filter((i) => i.failures > 0).map((i) => `${i.name}: ${i.failures}`),
      ...(token !== undefined ? { token } : {}),
    };
    rows.push(row);
    console.log(`${row.key}  trials ${row.trials}  failed ${row.failedTrials}  errors ${row.errors}  hangs ${row.hangs}  too long ${row.tooLong}  steps/trial ${row.stepsPerTrial} (max ${row.maxSteps})  us/trial ${row.usPerTrial}${row.failing.length > 0 ? `  FAILING ${row.failing.join(', ')}  ${row.token ?? ''}` : ''}`);
  }
} finally {
  await groups.close();
}
const trials = rows.reduce((n, r) => n + r.trials, 0);
const alarms = rows.reduce((n, r) => n + r.failedTrials + r.errors + r.hangs + r.tooLong, 0);
console.log(`${rows.length} configurations, ${trials} controlled trials of correct code, ${alarms} alarms`);
writeJsonAtomic('out/controlled-soak.json', { seed, coreRuns, conformanceRuns, rows, trials, alarms });
process.exitCode = alarms === 0 ? 0 : 1;

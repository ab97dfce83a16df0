/**
 * Section 1 of the harness bench: trials per second for the same actor body
 * (two threads, one plain increment each) through shakedown and through three
 * baselines measured in the same run, plus the counter suite at 2 and 4 threads.
 */
import { executeConfiguration } from '../../harness/core/execute/executor.js';
import { loadSuite } from '../../harness/core/plan/load-suite.js';
import { WorkerGroups } from '../../harness/core/execute/pools.js';
import { resolveSuiteUrl } from '../../harness/core/plan/plan.js';
import type { Configuration } from '../../harness/core/grade/results.js';
import { makeRow, type Row } from '../lib/row.js';
import { freshWorkers, handLoop, tinypoolPerTrial } from './baselines.js';

const PLAIN = new URL('./plain-increment-suite.js', import.meta.url).href;
const PLAIN_IN_WORKERS = new URL('./plain-increment-in-workers-suite.js', import.meta.url).href;

export interface HarnessRate {
  trialsPerSecond: number;
  failedTrials: number;
  trials: number;
  /** The rate of the warm-up run before it: the first trials of a suite in freshly started workers. */
  coldTrialsPerSecond: number;
}

function configOf(suiteUrl: string, suite: string, variant: string, threads: number, params: Record<string, number>): Configuration {
  return { key: `${suite}/${variant}/t${threads}/c-all/j-none`, suite, suiteUrl, variant, canary: false, threads, cores: 'all', jitter: 'none', params, seed: 'bench' };
}

/**
 * Trials per second of `trials` trials of one configuration, measured warm: the workers are started
 * and the suite loaded (a 64-trial run), then `trials` more are run untimed as a warm-up, then the
 * measured run. Why the warm-up: a suite gets freshly started workers (pools.ts: a group is never
 * shared between suites), and V8 optimizes the trial loop in them while it runs (`--trace-opt` shows
 * the loop's functions compiled again in each new worker): measured in session 14, the first 100,000
 * trials of the in-worker plain increment after a suite switch ran at a third of the rate of the next
 * (the cold figure is returned too, from the timed warm-up run). The hand-written loop needs no warm-up: its
 * few lines are optimized within its first milliseconds.
 */
export async function harnessRate(groups: WorkerGroups, suiteUrl: string, variant: string, threads: number, trials: number, params: Record<string, number> = {}): Promise<HarnessRate> {
  const suite = await loadSuite(suiteUrl);
  const config = configOf(suiteUrl, suite.name, variant, threads, { ...(suite.params ?? {}), ...params } as Record<string, number>);
  const runs = async (n: number): Promise<{ rate: number; trials: number; failedTrials: number }> => {
    const t0 = performance.now();
    const r = await executeConfiguration(suite, config, { timeoutMs: 5000, traceEvents: 48, budget: { runs: n }, groups });
    return { rate: r.trials / ((performance.now() - t0) / 1000), trials: r.trials, failedTrials: r.failedTrials };
  };
  // Start-up: the worker group started and the suite loaded in every worker, outside any clock.
  await runs(64);
  const cold = await runs(trials);
  const warm = await runs(trials);
  return { trialsPerSecond: warm.rate, failedTrials: warm.failedTrials, trials: warm.trials, coldTrialsPerSecond: cold.rate };
}

export async function throughputRows(reps: number): Promise<Row[]> {
  const groups = new WorkerGroups();
  const sd: number[] = [];
  const inWorkers: number[] = [];
  const inWorkersCold: number[] = [];
  const sdFresh: number[] = [];
  const hand: number[] = [];
  const pool: number[] = [];
  const fresh: number[] = [];
  const counter2: number[] = [];
  const counter4: number[] = [];
  const races = { shakedown: [] as number[], hand: [] as number[] };
  try {
    for (let i = 0; i < reps; i++) {
      const h = await handLoop(200_000);
      hand.push(h.trialsPerSecond);
      races.hand.push(h.races / h.trials);
      const s = await harnessRate(groups, PLAIN, 'default', 2, 200_000);
      sd.push(s.trialsPerSecond);
      races.shakedown.push(s.failedTrials / s.trials);
      sdFresh.push((await harnessRate(groups, PLAIN, 'fresh-buffer', 2, 200_000)).trialsPerSecond);
      const iw = await harnessRate(groups, PLAIN_IN_WORKERS, 'default', 2, 400_000);
      inWorkers.push(iw.trialsPerSecond);
      inWorkersCold.push(iw.coldTrialsPerSecond);
      pool.push((await tinypoolPerTrial(2000)).trialsPerSecond);
      fresh.push((await freshWorkers(20)).trialsPerSecond);
      counter2.push((await harnessRate(groups, resolveSuiteUrl('counter'), 'locked', 2, 100_000)).trialsPerSecond);
      counter4.push((await harnessRate(groups, resolveSuiteUrl('counter'), 'locked', 4, 20_000)).trialsPerSecond);
    }
  } finally {
    await groups.close();
  }
  const section = '1 throughput';
  const unit = 'trials/s';
  return [
    makeRow({ section, name: 'shakedown, plain increment x2, in workers', unit, sense: 'higher-is-better', baselineName: 'hand-written spin loop', figure: inWorkers, baseline: hand, goal: 0.5 }),
    makeRow({ section, name: 'shakedown, plain increment x2, in workers', unit, sense: 'higher-is-better', baselineName: 'tinypool task per trial', figure: inWorkers, baseline: pool, goal: 100 }),
    makeRow({ section, name: 'shakedown, plain increment x2, in workers', unit, sense: 'higher-is-better', baselineName: 'same, states on the main thread', figure: inWorkers, baseline: sd }),
    makeRow({ section, name: 'same, cold: first 400k trials in fresh workers', unit, sense: 'higher-is-better', baselineName: 'hand-written spin loop', figure: inWorkersCold, baseline: hand }),
    makeRow({ section, name: 'shakedown, plain increment x2', unit, sense: 'higher-is-better', baselineName: 'hand-written spin loop', figure: sd, baseline: hand, extra: { raceRateShakedown: races.shakedown, raceRateHandLoop: races.hand } }),
    makeRow({ section, name: 'shakedown, plain increment x2', unit, sense: 'higher-is-better', baselineName: 'tinypool task per trial', figure: sd, baseline: pool }),
    makeRow({ section, name: 'shakedown, plain increment x2', unit, sense: 'higher-is-better', baselineName: 'fresh workers per trial', figure: sd, baseline: fresh, goal: 10_000 }),
    makeRow({ section, name: 'shakedown, new SharedArrayBuffer per trial', unit, sense: 'higher-is-better', baselineName: 'same, state from ctx.int32 arena', figure: sdFresh, baseline: sd }),
    makeRow({ section, name: 'counter suite, locked, 2 threads', unit, sense: 'higher-is-better', baselineName: 'hand-written spin loop', figure: counter2, baseline: hand }),
    makeRow({ section, name: 'counter suite, locked, 4 threads', unit, sense: 'higher-is-better', baselineName: 'hand-written spin loop', figure: counter4, baseline: hand }),
  ];
}

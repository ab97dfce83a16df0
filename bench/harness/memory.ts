/**
 * Memory: RSS per idle worker, and RSS over a soak of the default suites.
 *
 * The soak runs the default matrix (canaries included, as `stress run` does)
 * pass after pass through one set of worker groups, like run() does within a
 * run, so a per-trial leak in the main thread or in the workers accumulates.
 * RSS is compared at the same point of the matrix (the end of a pass): after
 * the first pass (warm: groups started, code compiled) and after the last.
 */
import { executeConfiguration } from '../../harness/core/execute/executor.js';
import { plan } from '../../harness/core/plan/plan.js';
import { WorkerGroups } from '../../harness/core/execute/pools.js';
import { DEFAULT_TIMEOUT_MS, DEFAULT_TRACE_EVENTS } from '../../harness/core/settings/defaults.js';
import { makeRow, type Row } from '../lib/row.js';

const MB = 1024 * 1024;
const rss = (): number => process.memoryUsage().rss / MB;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Process RSS with a group of `workers` started and the counter suite loaded in each, minus RSS with none, per worker. */
async function rssPerWorker(workers: number): Promise<{ perWorker: number; idle: number }> {
  const [p] = await plan({ suites: ['counter'], grep: 'atomic/t2/c-all/j-none', seed: 'bench-mem' }, false);
  await sleep(200);
  const idle = rss();
  const groups = new WorkerGroups();
  try {
    await executeConfiguration(p!.suite, { ...p!.config, threads: workers }, { timeoutMs: DEFAULT_TIMEOUT_MS, traceEvents: 8, budget: { runs: 16 }, groups });
    // Let the workers' start-up garbage settle before reading.
    await sleep(500);
    return { perWorker: (rss() - idle) / workers, idle };
  } finally {
    await groups.close();
    await sleep(200);
  }
}

export async function workerRssRows(reps: number): Promise<Row[]> {
  const per: number[] = [];
  const idle: number[] = [];
  for (let i = 0; i < reps; i++) {
    const r = await rssPerWorker(8);
    per.push(r.perWorker);
    idle.push(r.idle);
  }
  return [makeRow({ section: '5 memory', name: 'RSS per idle worker (group of 8 vs 0)', unit: 'MB', sense: 'lower-is-better', baselineName: 'process RSS, no workers', figure: per, baseline: idle })];
}

export interface Soak {
  /** [seconds since start, RSS MB], one a second. */
  samples: Array<[number, number]>;
  /** RSS at the end of each pass. */
  passEnds: number[];
  /** The main thread's V8 heap in use at the end of each pass: tells a main-thread leak from a worker one. */
  passHeaps: number[];
  trials: number;
  seconds: number;
}

export async function soak(totalMs: number, perConfigMs: number, log: (s: string) => void): Promise<Soak> {
  const planned = (await plan({ suites: [], seed: 'bench-soak' }, false)).filter((p) => p.skip === undefined);
  const t0 = performance.now();
  const samples: Array<[number, number]> = [];
  const timer = setInterval(() => samples.push([(performance.now() - t0) / 1000, rss()]), 1000);
  const passEnds: number[] = [];
  const passHeaps: number[] = [];
  let trials = 0;
  const groups = new WorkerGroups();
  try {
    // At least two passes, so that there is a warm point and an end point.
    while (passEnds.length < 2 || performance.now() - t0 < totalMs) {
      for (const p of planned) {
        const r = await executeConfiguration(p.suite, p.config, { timeoutMs: DEFAULT_TIMEOUT_MS, traceEvents: DEFAULT_TRACE_EVENTS, budget: { timeMs: perConfigMs }, groups });
        trials += r.trials;
      }
      passEnds.push(rss());
      passHeaps.push(process.memoryUsage().heapUsed / MB);
      log(`soak pass ${passEnds.length}: ${((performance.now() - t0) / 1000).toFixed(0)} s, ${trials} trials, RSS ${passEnds.at(-1)!.toFixed(0)} MB, main heap ${passHeaps.at(-1)!.toFixed(0)} MB\n`);
    }
  } finally {
    clearInterval(timer);
    await groups.close();
  }
  return { samples, passEnds, passHeaps, trials, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Warm-up is the first quarter of the passes: in a 10-minute soak RSS kept
 * rising for ~5 passes (worker heaps and code growing to their working size)
 * before it levelled off. Warm = median RSS at the ends of the second
 * quarter's passes, end = median over the last quarter (medians: a pass end
 * can land just before or after a GC). With fewer than 4 passes: first vs last.
 */
export function warmAndEnd(passEnds: readonly number[]): { warm: number[]; end: number[] } {
  const n = passEnds.length;
  if (n < 4) return { warm: [passEnds[0]!], end: [passEnds[n - 1]!] };
  const k = Math.floor(n / 4);
  return { warm: passEnds.slice(k, 2 * k), end: passEnds.slice(n - k) };
}

/** The goal "flat within 10% after warm-up" as a ratio: warm / end >= 1 / 1.10. */
export function soakRow(s: Soak): Row {
  const { warm, end } = warmAndEnd(s.passEnds);
  return makeRow({
    section: '5 memory',
    name: `RSS, last ${end.length} of ${s.passEnds.length} passes (${s.seconds.toFixed(0)} s, ${s.trials} trials)`,
    unit: 'MB',
    sense: 'lower-is-better',
    baselineName: s.passEnds.length < 4 ? 'after pass 1' : `passes ${warm.length + 1}-${2 * warm.length}`,
    figure: end,
    baseline: warm,
    goal: Math.round(100 / 1.1) / 100,
    extra: { passEnds: s.passEnds, passHeaps: s.passHeaps, maxRss: [Math.max(...s.samples.map(([, r]) => r))] },
  });
}

/**
 * Section 4: per-trial cost as threads outnumber the 2 cores. The start gate
 * switches from pure spin to spin-then-sleep when oversubscribed; the measured
 * failure mode it avoids is a pure spin barrier at 4 threads on 2 cores
 * (4.3 ms per crossing), which the 4-thread row is compared against.
 */
import { WorkerGroups } from '../../harness/core/execute/pools.js';
import { resolveSuiteUrl } from '../../harness/core/plan/plan.js';
import { makeRow, type Row } from '../lib/row.js';
import { handLoop } from './baselines.js';
import { harnessRate } from './throughput.js';

const THREADS: Array<[number, number]> = [
  [2, 20_000],
  [4, 4_000],
  [8, 1_000],
  [16, 400],
  [32, 200],
  [64, 100],
];

export async function oversubscriptionRows(reps: number): Promise<Row[]> {
  const groups = new WorkerGroups();
  const costs = new Map<number, number[]>(THREADS.map(([t]) => [t, []]));
  const pureSpin4: number[] = [];
  try {
    for (let i = 0; i < reps; i++) {
      for (const [threads, trials] of THREADS) {
        const r = await harnessRate(groups, resolveSuiteUrl('counter'), 'atomic', threads, trials);
        costs.get(threads)!.push(1e6 / r.trialsPerSecond);
        // Large groups are started once per repetition; free their threads before the next size.
        if (threads >= 16) await groups.discard(threads);
      }
      pureSpin4.push(1e6 / (await handLoop(200, 4)).trialsPerSecond);
    }
  } finally {
    await groups.close();
  }
  const section = '4 oversubscription';
  const rows = THREADS.map(([threads]) =>
    makeRow({ section, name: `counter atomic, ${threads} threads on 2 cores`, unit: 'us/trial', sense: 'lower-is-better', baselineName: 'same, 2 threads', figure: costs.get(threads)!, baseline: costs.get(2)! }),
  );
  rows.push(
    makeRow({ section, name: 'counter atomic, 4 threads', unit: 'us/trial', sense: 'lower-is-better', baselineName: 'pure spin gate, 4 threads', figure: costs.get(4)!, baseline: pureSpin4, goal: 1 }),
  );
  return rows;
}

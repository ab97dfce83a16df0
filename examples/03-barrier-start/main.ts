/**
 * 03: start a group of workers together with a Barrier, and measure how far
 * apart their first lines of work are with and without it.
 */
import { Barrier, startThread } from '@shakedown/primitives';
import { expect, find, joinAll, stress } from '../lib/report.js';

const THREADS = 4;

async function spread(useBarrier: boolean): Promise<number> {
  const start = new Barrier(THREADS, { name: 'start' });
  const url = new URL('./worker.js', import.meta.url);
  const workers = Array.from({ length: THREADS }, (_, i) => startThread(url, { name: `w${i}`, workerData: { start, useBarrier } }));
  const times = workers.map((w) => new Promise<number>((resolve) => w.once('message', resolve)));
  await joinAll(workers, 10_000);
  const t = await Promise.all(times);
  return Math.max(...t) - Math.min(...t);
}

const loose = await spread(false);
const together = await spread(true);
console.log(`${THREADS} workers, time between the first and the last starting work:`);
console.log(`  no barrier  : ${loose.toFixed(2)} ms`);
console.log(`  with Barrier: ${together.toFixed(2)} ms`);
expect(together < loose, 'the barrier brings the starts closer together');

console.log('\nThe stress harness on the built-in barrier-start suite (early-release: a barrier with an off-by-one):');
const summary = await stress({ suites: ['barrier-start'], threads: [2, 4], jitter: ['none'], runs: 3000, maxFailures: 50 });
expect(find(summary, 'barrier').every((r) => r.status === 'pass'), 'the Barrier passes');
expect(find(summary, 'early-release').some((r) => r.canaryVerdict === 'caught'), 'the early release is caught');

/**
 * 01: a shared counter, without and with a Lock.
 * Part 1 runs two threads that each add 1 three million times; part 2 stresses
 * the same code one increment per trial, which shows the race every time.
 */
import { fileURLToPath } from 'node:url';
import { Barrier, Lock, startThread } from '@shakedown/primitives';
import { expect, find, firstFailure, joinAll, stressWithCanaries } from '../lib/report.js';

const INCREMENTS = 3_000_000;

async function count(locked: boolean): Promise<number> {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const lock = new Lock({ name: 'counter' });
  const start = new Barrier(2, { name: 'start' });
  const worker = new URL('./worker.js', import.meta.url);
  const threads = [0, 1].map((i) => startThread(worker, { name: `adder-${i}`, workerData: { counter, lock, start, locked, increments: INCREMENTS } }));
  await joinAll(threads, 20_000);
  return counter[0]!;
}

console.log(`Part 1: 2 threads x ${INCREMENTS.toLocaleString('en-US')} increments`);
for (const locked of [false, true]) {
  const got = await count(locked);
  const expected = 2 * INCREMENTS;
  console.log(`  ${locked ? 'with a Lock   ' : 'without a lock'}: ${got.toLocaleString('en-US')} (${got === expected ? (locked ? 'every update kept' : 'every update kept this time: the race depends on timing') : `lost ${(expected - got).toLocaleString('en-US')}`})`);
  if (locked) expect(got === expected, 'the locked counter kept every update');
}

console.log('\nPart 2: the stress harness, one increment per thread per trial: 3000 trials of the locked counter, and the unlocked one for up to 20 s, stopping once 50 trials have failed');
const summary = await stressWithCanaries({ suites: [fileURLToPath(new URL('./suite.js', import.meta.url))], threads: [2], jitter: ['none'] }, ['unlocked'], { runs: 3000, canaryTimeMs: 20_000, maxFailures: 50 });
const unlocked = find(summary, 'unlocked')[0]!;
console.log(firstFailure(unlocked).join('\n'));
expect(find(summary, 'locked').every((r) => r.status === 'pass'), 'the locked variant passes');
expect(unlocked.canaryVerdict === 'caught', 'the lost update is caught');

/**
 * 04: a lock-order deadlock, detected and explained, then fixed by taking the
 * locks in one global order; and recursive code, which needs an RLock.
 */
import { Barrier, Lock, RLock, startThread } from '@shakedown/primitives';
import { expect, find, firstFailure, joinAll, stressWithCanaries } from '../lib/report.js';

const url = new URL('./worker.js', import.meta.url);
const a = new Lock({ name: 'accounts' });
const b = new Lock({ name: 'audit-log' });

console.log('1. Opposite order: teller-0 takes accounts then audit-log, teller-1 the reverse');
const both = new Barrier(2, { name: 'both-hold-one' });
await joinAll(
  [
    startThread(url, { name: 'teller-0', workerData: { scenario: 'opposite', first: a, second: b, both } }),
    startThread(url, { name: 'teller-1', workerData: { scenario: 'opposite', first: b, second: a, both } }),
  ],
  10_000,
);

console.log('\n2. Fixed: both take accounts, then audit-log (one global order), 10,000 times each');
await joinAll([0, 1].map((i) => startThread(url, { name: `teller-${i}`, workerData: { scenario: 'ordered', first: a, second: b } })), 20_000);

console.log('\n3. Recursive code re-acquiring a Lock, then an RLock');
await joinAll([startThread(url, { name: 'recursive', workerData: { scenario: 'recursive-lock', lock: new Lock({ name: 'tree' }) } })], 10_000);
await joinAll([startThread(url, { name: 'recursive', workerData: { scenario: 'recursive-rlock', rlock: new RLock({ name: 'tree' }) } })], 10_000);

console.log('\n4. The stress harness on the built-in deadlock suite, 2 threads, spin-1us jitter:');
// opposite-order deadlocks in ~5-30% of trials here, but in bursts: on a loaded machine the two
// threads can go thousands of trials without running at once. The fixes run 3000 trials; the
// canaries up to 20 s in all, each stopped at 50 failures.
const summary = await stressWithCanaries({ suites: ['deadlock'], threads: [2], jitter: ['spin-1us'] }, ['opposite-order', 'reacquire-lock'], { runs: 3000, canaryTimeMs: 20_000, maxFailures: 50 });
const caught = find(summary, 'opposite-order')[0]!;
console.log(`\nopposite-order, for example:\n${firstFailure(caught).join('\n')}`);
expect(find(summary, 'ordered').every((r) => r.status === 'pass') && find(summary, 'rlock-recursion').every((r) => r.status === 'pass'), 'the fixes pass');
expect(caught.canaryVerdict === 'caught' && find(summary, 'reacquire-lock')[0]?.canaryVerdict === 'caught', 'both deadlocks are caught');

import assert from 'node:assert/strict';
import { Condition, Lock, RLock, Semaphore } from '@shakedown/primitives';
import { DEFAULT_WAIT_MS, WAKE_TEST_TIMEOUT_MS, Workers, assertWokenEarly, delay, waitUntil, withTimeout, type TestWorker } from '../helpers/workers.js';
import { sharedInt32 } from '../helpers/sync.js';
import { codeOf } from '../helpers/errors.js';

const fixture = new URL('./fixtures/condition-worker.js', import.meta.url);

/**
 * A waitOnce fixture's outcome, once it is certain that a notify, not its own
 * timeout, ended the wait: a waiter that times out settles under the lock and
 * still reports notified if a notify chose it meanwhile, so only the long
 * timeout (WAKE_TEST_TIMEOUT_MS) makes a lost wake-up visible.
 */
async function wokenOutcome(w: TestWorker, timeoutMs?: number): Promise<{ notified: boolean; held: boolean }> {
  const { elapsed, ...outcome } = await w.result<{ notified: boolean; held: boolean; elapsed: number }>(timeoutMs);
  assertWokenEarly(elapsed, `${w.name}'s cond.wait(${WAKE_TEST_TIMEOUT_MS})`);
  return outcome;
}

describe('Condition', function () {
  this.timeout(20000);
  const workers = new Workers();
  afterEach(() => workers.terminateAll());

  async function producerConsumer(producers: number, consumers: number, perProducer: number, lock: Lock | RLock, notifyAll: boolean): Promise<void> {
    const cond = new Condition(lock, { name: 'pc' });
    const buf = sharedInt32(3);
    const total = producers * perProducer;
    assert.equal(total % consumers, 0);
    const ps = Array.from({ length: producers }, (_, p) =>
      workers.start(fixture, { name: `producer-${p}`, workerData: { scenario: 'producer', cond, buf: buf.buffer, count: perProducer, base: (p + 1) * 1_000_000, seed: p, notifyAll } }),
    );
    const cs = Array.from({ length: consumers }, (_, c) =>
      workers.start(fixture, { name: `consumer-${c}`, workerData: { scenario: 'consumer', cond: cond.handle(), buf: buf.buffer, count: total / consumers, seed: 100 + c, notifyAll } }),
    );
    const [, gots] = await Promise.all([Promise.all(ps.map((w) => w.result(15000))), Promise.all(cs.map((w) => w.result<number[]>(15000)))]);
    const all = gots.flat().sort((a, b) => a - b);
    const expected = Array.from({ length: producers }, (_, p) => Array.from({ length: perProducer }, (_, i) => (p + 1) * 1_000_000 + i)).flat();
    assert.deepEqual(all, expected, 'every item consumed exactly once');
    assert.equal(buf[0], 0);
  }

  it('1 producer x 1 consumer over a Lock, notify(): no lost wake-up in 2000 rounds', async function () {
    await producerConsumer(1, 1, 2000, new Lock({ name: 'pc-lock' }), false);
  });

  it('2 producers x 2 consumers over a Lock, notifyAll(): no lost wake-up in 2 x 1000 rounds', async function () {
    await producerConsumer(2, 2, 1000, new Lock({ name: 'pc-lock2' }), true);
  });

  it('2 producers x 2 consumers over an RLock, notifyAll()', async function () {
    await producerConsumer(2, 2, 500, new RLock({ name: 'pc-rlock' }), true);
  });

  it('notify(2) wakes exactly 2 of 5 waiters; the rest wait until notifyAll()', async function () {
    const cond = new Condition(undefined, { name: 'n2' });
    const counts = sharedInt32(2);
    const k = 5;
    const ws = Array.from({ length: k }, (_, i) =>
      workers.start(fixture, { name: `cw-${i}`, workerData: { scenario: 'waitOnce', cond, counts: counts.buffer, timeoutMs: WAKE_TEST_TIMEOUT_MS } }),
    );
    await Promise.all(ws.map((w) => w.next('waiting')));
    await waitUntil(() => Atomics.load(counts, 0) === k, 3000, 'all waiters registered');
    // Each waiter bumped counts[0] and entered wait() in one holding of the lock, so once we hold it all k are waiting.
    assert.equal(await cond.lock.acquireAsync(3000), true);
    assert.equal(cond.notify(2), 2);
    cond.release();
    await waitUntil(() => Atomics.load(counts, 1) >= 2, 3000, 'two waiters woke');
    // Give a third, wrongly woken waiter ample time to show up.
    await delay(150);
    assert.equal(Atomics.load(counts, 1), 2, 'notify(2) woke more than 2');
    assert.equal(await cond.lock.acquireAsync(3000), true);
    assert.equal(cond.notifyAll(), k - 2);
    cond.release();
    for (const r of await Promise.all(ws.map((w) => wokenOutcome(w)))) assert.deepEqual(r, { notified: true, held: true });
    assert.equal(Atomics.load(counts, 1), k);
  });

  it('maxWaiters bounds threads waiting at once, not waits: timed-out waits free their slots while another thread waits long', async function () {
    const cond = new Condition(undefined, { name: 'slots', maxWaiters: 2 });
    const counts = sharedInt32(2);
    const long = workers.start(fixture, { name: 'long-waiter', workerData: { scenario: 'waitOnce', cond, counts: counts.buffer, timeoutMs: WAKE_TEST_TIMEOUT_MS } });
    await long.next('waiting');
    await waitUntil(() => Atomics.load(counts, 0) === 1, 3000, 'the long waiter registered');
    assert.equal(await cond.lock.acquireAsync(3000), true);
    try {
      // One slot stays taken by the long waiter; each of these timed waits must reuse the other one.
      for (let i = 0; i < 10; i++) assert.equal(await cond.waitAsync(1), false, `timed wait ${i}`);
      assert.equal(cond.notify(), 1, 'the long waiter is still there to wake');
    } finally {
      cond.release();
    }
    assert.deepEqual(await wokenOutcome(long), { notified: true, held: true });
  });

  it('a wait beyond maxWaiters throws ERR_CONDITION_TOO_MANY_WAITERS, keeps the lock, and disturbs no waiter', async function () {
    const cond = new Condition(undefined, { name: 'one-slot', maxWaiters: 1 });
    const counts = sharedInt32(2);
    const w = workers.start(fixture, { name: 'slot-holder', workerData: { scenario: 'waitOnce', cond, counts: counts.buffer, timeoutMs: WAKE_TEST_TIMEOUT_MS } });
    await w.next('waiting');
    // It bumped counts[0] and entered wait() in one holding of the lock: once we hold it, it waits.
    await waitUntil(() => Atomics.load(counts, 0) === 1, 3000, 'the waiter registered');
    // And let it get to sleep, so that the notify below has to wake it (not only flip its slot before it looks).
    await delay(50);
    assert.equal(await cond.lock.acquireAsync(3000), true);
    try {
      assert.throws(() => cond.wait(1000), { code: 'ERR_CONDITION_TOO_MANY_WAITERS', message: /one-slot: more than 1 threads waiting at once/ });
      await assert.rejects(cond.waitAsync(1000), { code: 'ERR_CONDITION_TOO_MANY_WAITERS' });
      assert.equal(cond.lock.heldByMe(), true, 'the refused wait must not have released the lock');
      assert.equal(cond.notify(), 1, 'the waiter still holds its slot, and is the one woken');
    } finally {
      cond.release();
    }
    assert.deepEqual(await wokenOutcome(w), { notified: true, held: true });
    // Its slot is free again: a wait now waits (and times out) instead of throwing.
    assert.equal(await cond.lock.acquireAsync(3000), true);
    assert.equal(cond.wait(1), false);
    cond.release();
  });

  it('wait/notify without holding the lock throw ERR_LOCK_NOT_OWNER', function () {
    const cond = new Condition();
    assert.equal(codeOf(() => cond.wait(100)), 'ERR_LOCK_NOT_OWNER');
    assert.equal(codeOf(() => cond.notify()), 'ERR_LOCK_NOT_OWNER');
    assert.equal(codeOf(() => cond.notifyAll()), 'ERR_LOCK_NOT_OWNER');
  });

  it('over an RLock held at depth 2: wait releases it fully and restores depth 2', async function () {
    const rlock = new RLock({ name: 'deep' });
    const cond = new Condition(rlock);
    const buf = sharedInt32(1);
    assert.equal(rlock.acquire(1000), true);
    assert.equal(rlock.acquire(1000), true);
    const w = workers.start(fixture, { name: 'notifier', workerData: { scenario: 'notifier', cond, buf: buf.buffer } });
    // The notifier can only take the lock if wait gave up both levels. A wait that times out re-checks
    // the predicate and would pass all the same: the long timeout makes a lost notify visible.
    assert.equal(await withTimeout(cond.waitForAsync(() => buf[0] === 1, WAKE_TEST_TIMEOUT_MS), DEFAULT_WAIT_MS, "waitForAsync to be woken by the worker's notify"), true);
    assert.equal(rlock.heldByMe(), true);
    assert.equal(rlock.depth(), 2);
    await w.result();
    rlock.release();
    rlock.release();
    assert.equal(rlock.locked(), false);
  });

  it('wait(timeout) returns false after the timeout and holds the lock again', async function () {
    const cond = new Condition();
    assert.equal(cond.acquire(1000), true);
    const t0 = performance.now();
    assert.equal(cond.wait(50), false);
    assert.ok(performance.now() - t0 >= 49);
    assert.equal(cond.lock.heldByMe(), true);
    const t1 = performance.now();
    assert.equal(await cond.waitAsync(50), false);
    assert.ok(performance.now() - t1 >= 49);
    assert.equal(cond.waitFor(() => false, 30), false);
    // A timed-out waiter's ticket must not absorb a later notify.
    const counts = sharedInt32(2);
    cond.release();
    const w = workers.start(fixture, { workerData: { scenario: 'waitOnce', cond, counts: counts.buffer, timeoutMs: WAKE_TEST_TIMEOUT_MS } });
    await w.next('waiting');
    // Let it get to sleep, so that the notify has to wake it (not only flip its slot before it looks).
    await delay(50);
    assert.equal(await cond.lock.acquireAsync(3000), true);
    assert.equal(cond.notify(), 1);
    cond.release();
    assert.deepEqual(await wokenOutcome(w), { notified: true, held: true });
  });

  it('Condition.from rejects handles of other primitives and malformed ones with ERR_BAD_HANDLE', function () {
    assert.throws(() => Condition.from(new Lock().handle()), { code: 'ERR_BAD_HANDLE', message: /expected a condition handle, got kind "lock"/ });
    assert.throws(() => Condition.from(new Semaphore(1)), { code: 'ERR_BAD_HANDLE', message: /expected a condition handle, got kind "semaphore"/ });
    assert.throws(() => Condition.from('condition'), { code: 'ERR_BAD_HANDLE', message: /expected a condition handle, got "condition"/ });
  });
});

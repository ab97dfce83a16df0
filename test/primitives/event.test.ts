import assert from 'node:assert/strict';
import { Barrier, Event, type ShakedownError, waitForTable } from '@shakedown/primitives';
import { DEFAULT_WAIT_MS, WAKE_TEST_TIMEOUT_MS, Workers, assertWokenEarly, delay, withTimeout } from '../helpers/workers.js';

const fixture = new URL('./fixtures/event-worker.js', import.meta.url);

describe('Event', function () {
  this.timeout(20000);
  const workers = new Workers();
  afterEach(() => workers.terminateAll());

  it('loses no wake-up over 3000 wait/set rounds between two workers', async function () {
    const go = new Event({ name: 'go' });
    const ack = new Event({ name: 'ack' });
    const rounds = 3000;
    const ws = [
      workers.start(fixture, { name: 'ev-waiter', workerData: { scenario: 'waiter', go, ack, rounds, seed: 1 } }),
      workers.start(fixture, { name: 'ev-setter', workerData: { scenario: 'setter', go: go.handle(), ack: ack.handle(), rounds, seed: 2 } }),
    ];
    await Promise.all(ws.map((w) => w.result(15000)));
    assert.equal(go.isSet(), false);
    assert.equal(ack.isSet(), false);
  });

  it('set() wakes every waiting worker, and later waits return at once until clear()', async function () {
    const ev = new Event();
    // A wait that times out re-checks the flag and returns true all the same: only a timeout far beyond
    // the test's result wait makes a lost wake-up visible.
    const ws = [0, 1, 2].map((i) => workers.start(fixture, { name: `ev-${i}`, workerData: { scenario: 'waitOnce', event: ev, timeoutMs: WAKE_TEST_TIMEOUT_MS } }));
    await Promise.all(ws.map((w) => w.next('waiting')));
    await delay(30);
    ev.set();
    for (const [i, r] of (await Promise.all(ws.map((w) => w.result<{ ok: boolean; elapsed: number }>()))).entries()) {
      assert.equal(r.ok, true);
      assertWokenEarly(r.elapsed, `ev-${i}'s wait(${WAKE_TEST_TIMEOUT_MS})`);
    }
    assert.equal(ev.wait(0), true);
    ev.clear();
    assert.equal(ev.isSet(), false);
    assert.equal(ev.wait(0), false);
  });

  it('set() directly followed by clear() releases every thread waiting at that moment, as CPython does (the waits return true)', async function () {
    const ev = new Event({ name: 'pulse' });
    const ws = [0, 1, 2].map((i) => workers.start(fixture, { name: `pulse-${i}`, workerData: { scenario: 'waitOnce', event: ev, timeoutMs: WAKE_TEST_TIMEOUT_MS } }));
    // All three in wait(): each enters the wait-for table after reading the event's state and before
    // sleeping, so one set() from here on must release it (no timing guess about "asleep by now").
    const until = performance.now() + DEFAULT_WAIT_MS;
    while (waitForTable().filter((r) => r.waitsFor === 'pulse (event: set)').length < ws.length) {
      if (performance.now() > until) assert.fail(`the workers did not all wait within ${DEFAULT_WAIT_MS} ms: ${JSON.stringify(waitForTable())}`);
      await delay(2);
    }
    // One pulse. Waiters that re-check the flag when woken find it cleared and sleep on into their 30 s timeout.
    ev.set();
    ev.clear();
    for (const [i, r] of (await Promise.all(ws.map((w) => w.result<{ ok: boolean; elapsed: number }>(DEFAULT_WAIT_MS)))).entries()) {
      assert.equal(r.ok, true, `pulse-${i}'s wait`);
      assertWokenEarly(r.elapsed, `pulse-${i}'s wait(${WAKE_TEST_TIMEOUT_MS})`);
    }
    assert.equal(ev.isSet(), false);
    assert.equal(ev.wait(0), false, 'a wait after the pulse finds the event clear');
  });

  it('waitAsync pending at a set() returns true though clear() came first (one thread, no timing involved)', async function () {
    const ev = new Event();
    const pending = ev.waitAsync(WAKE_TEST_TIMEOUT_MS);
    ev.set();
    ev.clear();
    assert.equal(await withTimeout(pending, DEFAULT_WAIT_MS, 'waitAsync released by set()'), true);
    assert.equal(await ev.waitAsync(0), false);
  });

  it('wait(timeout) returns false after the timeout when nobody sets it', async function () {
    const ev = new Event();
    const t0 = performance.now();
    assert.equal(ev.wait(50), false);
    assert.ok(performance.now() - t0 >= 49);
    const w = workers.start(fixture, { workerData: { scenario: 'waitOnce', event: ev, timeoutMs: 70 } });
    const r = await w.result<{ ok: boolean; elapsed: number }>();
    assert.equal(r.ok, false);
    assert.ok(r.elapsed >= 69, `worker wait returned after ${r.elapsed.toFixed(1)} ms`);
  });

  it('waitAsync on the main thread is woken by a worker, and times out otherwise', async function () {
    const ev = new Event();
    const w = workers.start(fixture, { workerData: { scenario: 'setLater', event: ev, afterMs: 50 } });
    // As above, a timed-out waitAsync would still return true: the long timeout makes a lost wake-up show.
    assert.equal(await withTimeout(ev.waitAsync(WAKE_TEST_TIMEOUT_MS), DEFAULT_WAIT_MS, "waitAsync to be woken by the worker's set()"), true);
    await w.result();
    ev.clear();
    const t0 = performance.now();
    assert.equal(await ev.waitAsync(60), false);
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 59 && elapsed < 3000, `waitAsync(60) took ${elapsed.toFixed(1)} ms`);
  });

  it('rejects invalid timeouts', function () {
    const ev = new Event();
    assert.throws(() => ev.wait(Number.NaN), (err: unknown) => (err as ShakedownError).code === 'ERR_INVALID_TIMEOUT');
  });

  it('Event.from rejects handles of other primitives and malformed ones with ERR_BAD_HANDLE', function () {
    assert.throws(() => Event.from(new Barrier(2).handle()), { code: 'ERR_BAD_HANDLE', message: /expected a event handle, got kind "barrier"/ });
    assert.throws(() => Event.from({ kind: 'event', name: 'e', id: 1, byteOffset: 0 }), { code: 'ERR_BAD_HANDLE', message: /malformed event handle/ });
  });
});

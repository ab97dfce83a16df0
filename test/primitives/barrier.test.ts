import assert from 'node:assert/strict';
import { Barrier, BrokenBarrierError, Event, Lock } from '@shakedown/primitives';
import { DEFAULT_WAIT_MS, WAKE_TEST_TIMEOUT_MS, Workers, assertWokenEarly, waitUntil, withTimeout, type TestWorker } from '../helpers/workers.js';
import { sharedInt32 } from '../helpers/sync.js';
import { codeOf } from '../helpers/errors.js';

const fixture = new URL('./fixtures/barrier-worker.js', import.meta.url);

interface WaitResult {
  index?: number;
  code?: string;
  elapsed: number;
}

describe('Barrier', function () {
  this.timeout(20000);
  const workers = new Workers();
  afterEach(() => workers.terminateAll());

  for (const [parties, generations] of [
    [2, 400],
    [3, 300],
    [4, 200],
  ] as const) {
    it(`${parties} workers x ${generations} generations: nobody passes early, action once per generation, indices a permutation`, async function () {
      const barrier = new Barrier(parties, { name: `gen-${parties}` });
      const arrivals = sharedInt32(generations);
      const passed = sharedInt32(generations);
      const actions = sharedInt32(generations);
      const indexHits = sharedInt32(generations * parties);
      const violations = sharedInt32(1);
      const ws = Array.from({ length: parties }, (_, i) =>
        workers.start(fixture, {
          name: `party-${i}`,
          workerData: {
            scenario: 'generations',
            barrier: i % 2 === 0 ? barrier : barrier.handle(),
            parties,
            generations,
            arrivals: arrivals.buffer,
            passed: passed.buffer,
            actions: actions.buffer,
            indexHits: indexHits.buffer,
            violations: violations.buffer,
          },
        }),
      );
      await Promise.all(ws.map((w) => w.result(15000)));
      assert.equal(violations[0], 0, 'a thread passed a generation before every party had arrived');
      for (let g = 0; g < generations; g++) {
        assert.equal(actions[g], 1, `action ran ${actions[g]} times in generation ${g}`);
        assert.equal(passed[g], parties);
        for (let i = 0; i < parties; i++) assert.equal(indexHits[g * parties + i], 1, `generation ${g}: index ${i} handed out ${indexHits[g * parties + i]} times`);
      }
      assert.equal(barrier.generation, generations);
      assert.equal(barrier.broken, false);
    });
  }

  /**
   * Workers that each wait once with WAKE_TEST_TIMEOUT_MS. A wait that times
   * out breaks the barrier and so reports ERR_BARRIER_BROKEN just as a wake-up
   * by a break would; with the long timeout a lost wake-up shows instead as
   * the result wait running out.
   */
  function startWaiters(barrier: Barrier, n: number, actionThrows = false): TestWorker[] {
    return Array.from({ length: n }, (_, i) =>
      workers.start(fixture, { name: `waiter-${i}`, workerData: { scenario: 'waitOnce', barrier, timeoutMs: WAKE_TEST_TIMEOUT_MS, actionThrows } }),
    );
  }

  /** Each waiter's index or error code, once it is certain that a wake-up, not its own timeout, ended its wait. */
  async function woken(ws: TestWorker[]): Promise<{ index?: number; code?: string }[]> {
    const results = await Promise.all(ws.map((w) => w.result<WaitResult>()));
    return results.map(({ elapsed, ...outcome }, i) => {
      assertWokenEarly(elapsed, `${ws[i]!.name}'s barrier.wait(${WAKE_TEST_TIMEOUT_MS})`);
      return outcome;
    });
  }

  it('abort() wakes every waiter with BrokenBarrierError and breaks later waits', async function () {
    const barrier = new Barrier(3);
    const ws = startWaiters(barrier, 2);
    await waitUntil(() => barrier.waiting === 2, 5000, 'both workers wait');
    barrier.abort();
    assert.deepEqual(await woken(ws), [{ code: 'ERR_BARRIER_BROKEN' }, { code: 'ERR_BARRIER_BROKEN' }]);
    assert.equal(barrier.broken, true);
    await assert.rejects(barrier.waitAsync(1000), (err: unknown) => err instanceof BrokenBarrierError && err.code === 'ERR_BARRIER_BROKEN');
  });

  it('a wait that times out breaks the barrier for the others too', async function () {
    const barrier = new Barrier(3);
    const [w] = startWaiters(barrier, 1);
    await waitUntil(() => barrier.waiting === 1, 5000, 'the worker waits');
    const t0 = performance.now();
    await assert.rejects(barrier.waitAsync(80), (err: unknown) => err instanceof BrokenBarrierError);
    assert.ok(performance.now() - t0 >= 79);
    assert.deepEqual(await woken([w!]), [{ code: 'ERR_BARRIER_BROKEN' }]);
    assert.equal(barrier.broken, true);
  });

  it('reset() breaks current waiters, then the barrier works again', async function () {
    const barrier = new Barrier(2);
    const [w] = startWaiters(barrier, 1);
    await waitUntil(() => barrier.waiting === 1, 5000, 'the worker waits');
    barrier.reset();
    assert.deepEqual(await woken([w!]), [{ code: 'ERR_BARRIER_BROKEN' }]);
    assert.equal(barrier.broken, false);
    assert.equal(barrier.waiting, 0);

    const ws = startWaiters(barrier, 2);
    const results = await woken(ws);
    assert.deepEqual(results.map((r) => r.index).sort(), [0, 1]);
    assert.equal(barrier.broken, false);
  });

  it('reset() right after a release leaves that generation released, even for a waiter that has not woken yet', async function () {
    const barrier = new Barrier(2, { name: 'reused' });
    const ctl = sharedInt32(1);
    // Arrives now (index 0) and sleeps in Atomics.waitAsync: it can only look at the barrier again
    // once this thread's event loop runs.
    const mine = barrier.waitAsync(WAKE_TEST_TIMEOUT_MS);
    const w = workers.start(fixture, { name: 'releaser', workerData: { scenario: 'releaseThenReset', barrier: barrier.handle(), ctl: ctl.buffer } });
    // Block the event loop until the worker has released the generation and reset the barrier.
    assert.equal(Atomics.wait(ctl, 0, 0, DEFAULT_WAIT_MS), 'ok', 'the worker released and reset within the wait');
    assert.equal(await withTimeout(mine, DEFAULT_WAIT_MS, 'the main thread to pass'), 0, 'released, not broken by the later reset');
    assert.equal(await w.result<number>(), 1);
    assert.equal(barrier.broken, false);
    assert.equal(barrier.waiting, 0);
    // And a reset that does have waiters to break still breaks them.
    const [late] = startWaiters(barrier, 1);
    await waitUntil(() => barrier.waiting === 1, 5000, 'the next waiter arrives');
    barrier.reset();
    assert.deepEqual(await woken([late!]), [{ code: 'ERR_BARRIER_BROKEN' }]);
  });

  it('waitAsync on the main thread meets workers', async function () {
    const barrier = new Barrier(3);
    const ws = startWaiters(barrier, 2);
    // Whoever arrives last must wake the other two: a timed-out wait would break the barrier instead.
    const mine = await withTimeout(barrier.waitAsync(WAKE_TEST_TIMEOUT_MS), DEFAULT_WAIT_MS, 'the main thread to pass the barrier');
    const theirs = await woken(ws);
    assert.deepEqual([mine, ...theirs.map((r) => r.index)].sort(), [0, 1, 2]);
  });

  it('a throwing action breaks the barrier and reaches the thread that ran it', async function () {
    const barrier = new Barrier(2, {
      action: () => {
        throw new Error('action failed');
      },
    });
    const [w] = startWaiters(barrier, 1, true);
    await waitUntil(() => barrier.waiting === 1, 5000, 'the worker waits');
    await assert.rejects(barrier.waitAsync(1000), /action failed/);
    assert.deepEqual(await woken([w!]), [{ code: 'ERR_BARRIER_BROKEN' }]);
  });

  it('rejects invalid parties and timeouts', function () {
    assert.equal(codeOf(() => new Barrier(0)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => new Barrier(-2)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => new Barrier(1.5)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => new Barrier(2).wait(Number.NaN)), 'ERR_INVALID_TIMEOUT');
    const one = new Barrier(1);
    assert.equal(one.wait(0), 0, 'a 1-party barrier never waits');
  });

  it('Barrier.from rejects handles of other primitives and malformed ones with ERR_BAD_HANDLE', function () {
    assert.throws(() => Barrier.from(new Event().handle()), { code: 'ERR_BAD_HANDLE', message: /expected a barrier handle, got kind "event"/ });
    assert.throws(() => Barrier.from(new Lock()), { code: 'ERR_BAD_HANDLE', message: /expected a barrier handle, got kind "lock"/ });
    assert.throws(() => Barrier.from({ ...new Barrier(2).handle(), buffer: new ArrayBuffer(64) }), { code: 'ERR_BAD_HANDLE', message: /malformed barrier handle/ });
  });
});

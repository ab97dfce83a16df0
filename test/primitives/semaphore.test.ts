import assert from 'node:assert/strict';
import { BoundedSemaphore, Lock, RLock, Semaphore } from '@shakedown/primitives';
import { DEFAULT_WAIT_MS, WAKE_TEST_TIMEOUT_MS, Workers, assertWokenEarly, delay, withTimeout, type TestWorker } from '../helpers/workers.js';
import { sharedInt32 } from '../helpers/sync.js';
import { codeOf } from '../helpers/errors.js';

const fixture = new URL('./fixtures/semaphore-worker.js', import.meta.url);


describe('Semaphore', function () {
  this.timeout(20000);
  const workers = new Workers();
  afterEach(() => workers.terminateAll());

  // Permits and thread counts vary together: a lost wake-up can hide at one ratio and show at another.
  for (const [parties, permits, iterations] of [
    [4, 1, 3000],
    [4, 2, 3000],
    [3, 2, 3000],
    [5, 3, 2000],
  ] as const) {
    it(`${parties} workers on Semaphore(${permits}): never more than ${permits} holders, no permit lost`, async function () {
      const sem = new Semaphore(permits, { name: `sem-${permits}` });
      const stats = sharedInt32(3);
      const start = sharedInt32(1);
      // An acquire that times out re-tries the permit once more, so with short timeouts lost wake-ups
      // would only slow this down; with WAKE_TEST_TIMEOUT_MS one shows as the result wait running out.
      const ws = Array.from({ length: parties }, (_, i) =>
        workers.start(fixture, {
          name: `hammer-${i}`,
          workerData: { scenario: 'hammer', sem, stats: stats.buffer, start: start.buffer, parties, iterations, timeoutMs: WAKE_TEST_TIMEOUT_MS },
        }),
      );
      await Promise.all(ws.map((w) => w.result(15000)));
      assert.ok(stats[1]! <= permits, `saw ${stats[1]} holders at once with ${permits} permits`);
      assert.ok(stats[1]! >= 1);
      assert.equal(stats[2], parties * iterations);
      assert.equal(sem.value(), permits, 'permits lost or created');
    });
  }

  it('4 workers with 0-2 ms acquire timeouts racing releases on Semaphore(1): no permit lost or duplicated', async function () {
    const parties = 4;
    const sem = new Semaphore(1, { name: 'sem-short' });
    const stats = sharedInt32(3);
    const start = sharedInt32(1);
    const ws = Array.from({ length: parties }, (_, i) =>
      workers.start(fixture, {
        name: `short-${i}`,
        workerData: { scenario: 'hammer', sem, stats: stats.buffer, start: start.buffer, parties, iterations: 2000, shortTimeouts: true },
      }),
    );
    const got = await Promise.all(ws.map((w) => w.result<number>(15000)));
    assert.equal(stats[1], 1, 'two holders of a single permit');
    assert.equal(stats[2], got.reduce((a, b) => a + b, 0));
    assert.equal(sem.value(), 1);
  });

  it('a release wakes a worker blocked in acquire', async function () {
    const sem = new Semaphore(0);
    // An acquire that times out takes a permit released meanwhile all the same: only a timeout far
    // beyond the result wait makes a lost wake-up visible.
    const w = workers.start(fixture, { workerData: { scenario: 'acquire', sem: sem.handle(), timeoutMs: WAKE_TEST_TIMEOUT_MS } });
    await w.next('waiting');
    await delay(30);
    sem.release();
    const res = await w.result<{ ok: boolean; elapsed: number }>();
    assert.equal(res.ok, true);
    assertWokenEarly(res.elapsed, `acquire(${WAKE_TEST_TIMEOUT_MS})`);
    assert.equal(sem.value(), 0);
  });

  /** A worker that takes one of `sem`'s permits and keeps it until `release()` is called. */
  async function holdPermit(sem: Semaphore): Promise<{ w: TestWorker; release: () => void }> {
    const ctl = sharedInt32(1);
    const w = workers.start(fixture, { name: 'permit-holder', workerData: { scenario: 'hold', sem, ctl: ctl.buffer } });
    await w.next('holding');
    return {
      w,
      release: () => {
        Atomics.store(ctl, 0, 1);
        Atomics.notify(ctl, 0);
      },
    };
  }

  it('withPermit / withPermitAsync hold a permit while the callback runs, return its value, and give the permit back also on throw', async function () {
    const sem = new Semaphore(2, { name: 'permits' });
    assert.equal(
      sem.withPermit(() => {
        assert.equal(sem.value(), 1);
        return 'v';
      }, 1000),
      'v',
    );
    assert.equal(sem.value(), 2);
    assert.throws(() => sem.withPermit(() => {
      assert.equal(sem.value(), 1);
      throw new Error('boom');
    }, 1000), /boom/);
    assert.equal(sem.value(), 2, 'a throwing callback kept its permit');
    assert.equal(
      await sem.withPermitAsync(async () => {
        await delay(1);
        assert.equal(sem.value(), 1);
        return 7;
      }, 1000),
      7,
    );
    await assert.rejects(
      sem.withPermitAsync(async () => {
        await delay(1);
        throw new Error('async boom');
      }, 1000),
      /async boom/,
    );
    assert.equal(sem.value(), 2);

    // With no permit free the callback never runs and ERR_TIMEOUT names the semaphore.
    const one = new Semaphore(1, { name: 'scarce' });
    const holder = await holdPermit(one);
    let ran = false;
    assert.throws(() => one.withPermit(() => (ran = true), 30), { code: 'ERR_TIMEOUT', message: /scarce/ });
    await assert.rejects(one.withPermitAsync(() => (ran = true), 30), { code: 'ERR_TIMEOUT', message: /scarce/ });
    assert.equal(ran, false);
    // withPermitAsync waits for the worker's release without blocking this thread's event loop (and is
    // woken by it: a timed-out wait would take the permit all the same, hence the long timeout).
    const pending = one.withPermitAsync(() => one.value(), WAKE_TEST_TIMEOUT_MS);
    holder.release();
    assert.equal(await withTimeout(pending, DEFAULT_WAIT_MS, "withPermitAsync to be woken by the worker's release"), 0, 'the callback ran holding the only permit');
    await holder.w.result();
    assert.equal(one.value(), 1);
  });

  it('guard() and guardAsync() hold a permit until released or disposed, once only, also on throw', async function () {
    const sem = new Semaphore(2, { name: 'guarded' });
    {
      using g = sem.guard(1000);
      assert.equal(sem.value(), 1);
      void g;
    }
    assert.equal(sem.value(), 2);
    assert.throws(() => {
      using _g = sem.guard(1000);
      throw new Error('inside');
    }, /inside/);
    assert.equal(sem.value(), 2);
    {
      using g = await sem.guardAsync(1000);
      assert.equal(sem.value(), 1);
      // An explicit release then the end of the scope gives back one permit, not two.
      g.release();
      g.release();
      assert.equal(sem.value(), 2);
    }
    assert.equal(sem.value(), 2, 'disposing a released guard released again');

    const one = new Semaphore(1, { name: 'scarce-guard' });
    const holder = await holdPermit(one);
    assert.throws(() => one.guard(30), { code: 'ERR_TIMEOUT' });
    await assert.rejects(one.guardAsync(30), { code: 'ERR_TIMEOUT' });
    const pending = one.guardAsync(WAKE_TEST_TIMEOUT_MS);
    holder.release();
    const g = await withTimeout(pending, DEFAULT_WAIT_MS, "guardAsync to be woken by the worker's release");
    assert.equal(one.value(), 0);
    g[Symbol.dispose]();
    assert.equal(one.value(), 1);
    await holder.w.result();
  });

  it('honours timeouts (sync and async) and then still works', async function () {
    const sem = new Semaphore(0);
    for (const timeoutMs of [0, 50]) {
      const t0 = performance.now();
      assert.equal(sem.acquire(timeoutMs), false);
      assert.ok(performance.now() - t0 >= timeoutMs - 1);
    }
    const t0 = performance.now();
    assert.equal(await sem.acquireAsync(60), false);
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 59 && elapsed < 3000, `acquireAsync(60) took ${elapsed.toFixed(1)} ms`);

    // A worker that times out must not swallow a permit.
    const w = workers.start(fixture, { workerData: { scenario: 'acquire', sem, timeoutMs: 80 } });
    const res = await w.result<{ ok: boolean; elapsed: number }>();
    assert.equal(res.ok, false);
    assert.ok(res.elapsed >= 79);
    sem.release();
    assert.equal(sem.value(), 1);
    assert.equal(await sem.acquireAsync(1000), true);
  });

  it('BoundedSemaphore refuses to release past its initial value (ERR_SEMAPHORE_OVER_RELEASE), also when attached in a worker', async function () {
    const bs = new BoundedSemaphore(2);
    assert.equal(codeOf(() => bs.release()), 'ERR_SEMAPHORE_OVER_RELEASE');
    assert.equal(bs.value(), 2);
    assert.equal(bs.acquire(0), true);
    assert.equal(codeOf(() => bs.release(2)), 'ERR_SEMAPHORE_OVER_RELEASE');
    bs.release();
    assert.equal(bs.value(), 2);
    assert.ok(Semaphore.from(bs.handle()) instanceof BoundedSemaphore);

    const w = workers.start(fixture, { workerData: { scenario: 'overRelease', sem: bs } });
    assert.equal(await w.result(), 'ERR_SEMAPHORE_OVER_RELEASE');
    assert.equal(bs.value(), 2);

    // A plain Semaphore may go past its initial value.
    const s = new Semaphore(1);
    s.release();
    assert.equal(s.value(), 2);
  });

  it('rejects invalid arguments', function () {
    assert.equal(codeOf(() => new Semaphore(-1)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => new Semaphore(1.5)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => new BoundedSemaphore(Number.NaN)), 'ERR_INVALID_ARG');
    const s = new Semaphore(1);
    assert.equal(codeOf(() => s.acquire(Number.NaN)), 'ERR_INVALID_TIMEOUT');
    assert.equal(codeOf(() => s.acquire(-5)), 'ERR_INVALID_TIMEOUT');
    assert.equal(codeOf(() => s.release(0)), 'ERR_INVALID_ARG');
    assert.equal(s.value(), 1, 'rejected calls must not change the count');
  });

  it('Semaphore.from rejects handles of other primitives and malformed ones with ERR_BAD_HANDLE, leaving them untouched', function () {
    const lock = new Lock({ name: 'not-a-semaphore' });
    assert.throws(() => Semaphore.from(lock.handle()), { code: 'ERR_BAD_HANDLE', message: /expected a semaphore handle, got kind "lock"/ });
    assert.throws(() => Semaphore.from(new RLock()), { code: 'ERR_BAD_HANDLE', message: /expected a semaphore handle, got kind "rlock"/ });
    assert.throws(() => BoundedSemaphore.from(lock), { code: 'ERR_BAD_HANDLE' });
    assert.throws(() => Semaphore.from(null), { code: 'ERR_BAD_HANDLE', message: /expected a semaphore handle, got null/ });
    assert.throws(() => Semaphore.from({ ...new Semaphore(1).handle(), id: '1' }), { code: 'ERR_BAD_HANDLE', message: /malformed semaphore handle/ });
    assert.equal(lock.locked(), false);
    assert.equal(lock.tryAcquire(), true, 'the refused attach left the lock working');
    lock.release();
  });
});

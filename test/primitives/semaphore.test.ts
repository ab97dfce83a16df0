import assert from 'node:assert/strict';
import { BoundedSemaphore, Semaphore } from '@shakedown/primitives';
import { Workers, delay } from '../helpers/workers.js';
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
      const ws = Array.from({ length: parties }, (_, i) =>
        workers.start(fixture, {
          name: `hammer-${i}`,
          workerData: { scenario: 'hammer', sem, stats: stats.buffer, start: start.buffer, parties, iterations },
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
    const w = workers.start(fixture, { workerData: { scenario: 'acquire', sem: sem.handle(), timeoutMs: 5000 } });
    await w.next('waiting');
    await delay(30);
    sem.release();
    const res = await w.result<{ ok: boolean }>();
    assert.equal(res.ok, true);
    assert.equal(sem.value(), 0);
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
});

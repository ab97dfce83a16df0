import assert from 'node:assert/strict';
import { Lock, RLock, deadlockDetectionEnabled, setDeadlockDetection } from '@shakedown/primitives';
import { WAKE_TEST_TIMEOUT_MS, Workers, assertWokenEarly, delay } from '../helpers/workers.js';
import { sharedInt32 } from '../helpers/sync.js';
import { codeOf } from '../helpers/errors.js';

const fixture = new URL('./fixtures/lock-worker.js', import.meta.url);


describe('RLock', function () {
  this.timeout(20000);
  const workers = new Workers();
  afterEach(() => workers.terminateAll());

  it('is reentrant: depth counts acquires, and it is free only after as many releases', function () {
    const r = new RLock({ name: 'reentrant' });
    assert.equal(r.acquire(1000), true);
    assert.equal(r.acquire(1000), true);
    assert.equal(r.tryAcquire(), true);
    assert.equal(r.depth(), 3);
    r.release();
    r.release();
    assert.equal(r.depth(), 1);
    assert.equal(r.locked(), true);
    r.release();
    assert.equal(r.depth(), 0);
    assert.equal(r.locked(), false);
    assert.equal(codeOf(() => r.release()), 'ERR_LOCK_NOT_OWNER', 'one release too many');
  });

  it('only the owner may release', async function () {
    const r = new RLock({ name: 'mine' });
    assert.equal(r.acquire(1000), true);
    const w = workers.start(fixture, { workerData: { scenario: 'foreignRelease', kind: 'rlock', lock: r } });
    assert.equal(await w.result(), 'ERR_LOCK_NOT_OWNER');
    assert.equal(r.depth(), 1, 'a refused foreign release must not change the depth');
    r.release();
  });

  it('keeps a second thread blocked until the last of several releases', async function () {
    const r = new RLock({ name: 'deep' });
    assert.equal(r.acquire(1000), true);
    assert.equal(r.acquire(1000), true);
    const flags = sharedInt32(1);
    const w = workers.start(fixture, { name: 'rlock-waiter', workerData: { scenario: 'tryFor', kind: 'rlock', lock: r, flags: flags.buffer, timeoutMs: 5000 } });
    await w.next('trying');
    r.release();
    // Still held at depth 1: give a wrongly freed lock time to be taken by the waiter.
    await delay(100);
    assert.equal(Atomics.load(flags, 0), 0, 'the waiter got the lock while the owner still held it once');
    assert.equal(r.ownerThreadId(), 0);
    assert.equal(r.depth(), 1);
    r.release();
    const res = await w.result<{ ok: boolean }>();
    assert.equal(res.ok, true);
    assert.equal(Atomics.load(flags, 0), 1);
    assert.equal(r.locked(), false);
  });

  it('a worker holding it makes the main thread time out, and acquireAsync then succeeds after release', async function () {
    const r = new RLock();
    const ctl = sharedInt32(1);
    const w = workers.start(fixture, { workerData: { scenario: 'hold', kind: 'rlock', lock: r.handle(), ctl: ctl.buffer } });
    await w.next('holding');
    const t0 = performance.now();
    assert.equal(r.acquire(50), false);
    assert.ok(performance.now() - t0 >= 49);
    const pending = r.acquireAsync(5000);
    Atomics.store(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    assert.equal(await pending, true);
    assert.equal(r.depth(), 1);
    r.release();
    await w.result();
  });

  /** `parties` workers each bump two plain counters `iterations` times under the RLock, taken twice per iteration. */
  async function recursiveCount(parties: number, iterations: number, detection: boolean, timeoutMs: number): Promise<void> {
    const r = new RLock({ name: 'r-counted' });
    const counter = sharedInt32(2);
    const start = sharedInt32(1);
    const ws = Array.from({ length: parties }, (_, i) =>
      workers.start(fixture, {
        name: `r-counter-${i}`,
        workerData: { scenario: 'rcount', lock: i % 2 === 0 ? r : r.handle(), counter: counter.buffer, start: start.buffer, parties, iterations, timeoutMs, detection },
      }),
    );
    const stillHeld = await Promise.all(ws.map((w) => w.result<boolean>()));
    assert.deepEqual(stillHeld, Array(parties).fill(false), 'a worker still held the RLock after as many releases as acquires');
    assert.equal(counter[0], parties * iterations, 'lost updates at depth 2');
    assert.equal(counter[1], parties * iterations, 'lost updates at depth 1, after the inner release');
    assert.equal(r.locked(), false);
  }

  it('gives mutual exclusion to 3 workers that take it recursively (exact counts at depth 2 and after the inner release)', async function () {
    await recursiveCount(3, 3000, true, 5000);
  });

  it('guardAsync() holds it until released, nests as a reentrant acquire, and times out with ERR_TIMEOUT while a worker holds it', async function () {
    const r = new RLock({ name: 'r-guarded' });
    {
      using outer = await r.guardAsync(1000);
      {
        using inner = await r.guardAsync(1000);
        assert.equal(r.depth(), 2);
        void inner;
      }
      assert.equal(r.depth(), 1);
      void outer;
    }
    assert.equal(r.locked(), false);
    const ctl = sharedInt32(1);
    const w = workers.start(fixture, { workerData: { scenario: 'hold', kind: 'rlock', lock: r, ctl: ctl.buffer } });
    await w.next('holding');
    await assert.rejects(r.guardAsync(30), { code: 'ERR_TIMEOUT', message: /r-guarded/ });
    Atomics.store(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    const g = await r.guardAsync(5000);
    assert.equal(r.depth(), 1);
    g[Symbol.dispose]();
    g.release();
    assert.equal(r.locked(), false);
    await w.result();
  });

  it('RLock.from rejects a Lock handle with ERR_BAD_HANDLE', function () {
    assert.throws(() => RLock.from(new Lock().handle()), { code: 'ERR_BAD_HANDLE', message: /expected a rlock handle, got kind "lock"/ });
    assert.throws(() => RLock.from({ kind: 'rlock' }), { code: 'ERR_BAD_HANDLE', message: /malformed rlock handle/ });
  });

  it('withLock nests and releases every level on throw', function () {
    const r = new RLock();
    assert.throws(
      () =>
        r.withLock(() =>
          r.withLock(() => {
            assert.equal(r.depth(), 2);
            throw new Error('deep');
          }, 1000),
        1000),
      /deep/,
    );
    assert.equal(r.locked(), false);
  });

  // See lock.test.ts: with detection on, blocked acquirers re-poll every 20 ms and hide a lost wake-up.
  describe('with deadlock detection off (a lost wake-up is no longer covered by re-polling)', function () {
    beforeEach(() => setDeadlockDetection(false));
    afterEach(() => setDeadlockDetection(true));

    it("a worker blocked in acquire(30 s) gets the RLock when the main thread's last release frees it", async function () {
      assert.equal(deadlockDetectionEnabled(), false);
      const r = new RLock({ name: 'r-handed-over' });
      assert.equal(r.acquire(1000), true);
      assert.equal(r.acquire(1000), true);
      const flags = sharedInt32(1);
      const w = workers.start(fixture, {
        name: 'r-blocked-acquirer',
        workerData: { scenario: 'tryFor', kind: 'rlock', lock: r, flags: flags.buffer, timeoutMs: WAKE_TEST_TIMEOUT_MS, detection: false },
      });
      await w.next('trying');
      r.release();
      // Let it sleep on the lock word while the lock is still held once.
      await delay(100);
      assert.equal(Atomics.load(flags, 0), 0, 'the waiter got the lock while the owner still held it once');
      r.release();
      const res = await w.result<{ ok: boolean; elapsed: number }>();
      assert.equal(res.ok, true);
      assertWokenEarly(res.elapsed, `acquire(${WAKE_TEST_TIMEOUT_MS})`);
      assert.equal(r.locked(), false);
    });

    it('gives mutual exclusion to 3 workers that take it recursively, every acquire woken by a release', async function () {
      await recursiveCount(3, 3000, false, WAKE_TEST_TIMEOUT_MS);
    });
  });
});

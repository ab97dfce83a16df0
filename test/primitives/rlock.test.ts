import assert from 'node:assert/strict';
import { RLock } from '@shakedown/primitives';
import { Workers, delay } from '../helpers/workers.js';
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
});

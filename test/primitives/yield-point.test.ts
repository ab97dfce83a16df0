import assert from 'node:assert/strict';
import { Lock, Semaphore, getYieldHook, setYieldHook, yieldPoint, type YieldOp } from '@shakedown/primitives';

describe('yield points', function () {
  afterEach(() => setYieldHook(null));

  it('the hook sees lock.acquire, lock.acquired and lock.release with the lock name, in order', function () {
    const seen: [YieldOp, string][] = [];
    assert.equal(setYieldHook((op, name) => seen.push([op, name])), null);
    const lock = new Lock({ name: 'traced' });
    assert.equal(lock.acquire(1000), true);
    lock.release();
    assert.equal(lock.tryAcquire(), true);
    lock.release();
    assert.deepEqual(seen, [
      ['lock.acquire', 'traced'],
      ['lock.acquired', 'traced'],
      ['lock.release', 'traced'],
      ['lock.acquire', 'traced'],
      ['lock.acquired', 'traced'],
      ['lock.release', 'traced'],
    ]);
  });

  it('other primitives and user code pass through the same hook', function () {
    const seen: string[] = [];
    setYieldHook((op, name) => seen.push(`${op}:${name}`));
    const sem = new Semaphore(1, { name: 's' });
    assert.equal(sem.acquire(100), true);
    sem.release();
    yieldPoint('user', 'mine');
    assert.deepEqual(seen, ['semaphore.acquire:s', 'semaphore.acquired:s', 'semaphore.release:s', 'user:mine']);
  });

  it('setYieldHook(null) removes the hook and returns the previous one', function () {
    const seen: string[] = [];
    const hook = (op: YieldOp): void => {
      seen.push(op);
    };
    setYieldHook(hook);
    assert.equal(getYieldHook(), hook);
    assert.equal(setYieldHook(null), hook);
    assert.equal(getYieldHook(), null);
    const lock = new Lock();
    assert.equal(lock.acquire(100), true);
    lock.release();
    assert.deepEqual(seen, []);
  });
});

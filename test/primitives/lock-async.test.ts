/**
 * Lock ownership is per thread. Several async tasks of one thread that use
 * acquireAsync queue behind each other (the second waits instead of getting
 * a DeadlockError meant for a thread re-acquiring its own lock), and their
 * waits are not mistaken for a lock cycle.
 */
import assert from 'node:assert/strict';
import { DeadlockError, Lock, RLock } from '@shakedown/primitives';
import { delay, withTimeout } from '../helpers/workers.js';

describe('Lock across async tasks of one thread', function () {
  this.timeout(20000);

  it('concurrent withLockAsync calls on the main thread take turns, none inside together', async function () {
    const lock = new Lock({ name: 'shared-by-tasks' });
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    const task = (i: number): Promise<void> =>
      lock.withLockAsync(async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        order.push(i);
        await delay(5);
        inside--;
      }, 8000);
    await withTimeout(Promise.all([0, 1, 2, 3].map(task)), 15000, 'four tasks to finish');
    assert.equal(maxInside, 1, 'two tasks held the lock at once');
    assert.deepEqual([...order].sort(), [0, 1, 2, 3]);
    assert.equal(lock.locked(), false);
  });

  it('a task waiting for a lock another task of its thread holds times out cleanly (no DeadlockError)', async function () {
    const lock = new Lock({ name: 'held-by-sibling' });
    assert.equal(lock.acquire(0), true);
    const t0 = performance.now();
    assert.equal(await lock.acquireAsync(60), false);
    assert.ok(performance.now() - t0 >= 59);
    lock.release();
    assert.equal(await lock.acquireAsync(1000), true);
    lock.release();
  });

  it('the synchronous acquire by the owner still throws DeadlockError (it could never be released)', function () {
    const lock = new Lock({ name: 'self' });
    lock.acquire();
    try {
      assert.throws(() => lock.acquire(1000), (err: unknown) => err instanceof DeadlockError);
    } finally {
      lock.release();
    }
  });

  it('RLock: ownership is per thread, so async tasks of one thread share it (documented; use Lock between tasks)', async function () {
    const rl = new RLock({ name: 'per-thread' });
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      [0, 1].map(() =>
        rl.withLockAsync(async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await delay(5);
          inside--;
        }, 8000),
      ),
    );
    assert.equal(maxInside, 2, 'both tasks of the owning thread re-entered');
    assert.equal(rl.locked(), false);
  });
});

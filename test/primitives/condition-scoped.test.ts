/** Condition's scoped helpers hold its lock for the scope and release it however the scope ends. */
import assert from 'node:assert/strict';
import { Condition } from '@shakedown/primitives';

describe('Condition scoped helpers', function () {
  it('withLock / withLockAsync / guard / guardAsync / acquireAsync hold the lock and release it, also on throw', async function () {
    const cond = new Condition();
    assert.equal(cond.withLock(() => cond.lock.heldByMe()), true);
    assert.equal(cond.lock.locked(), false);
    assert.throws(() => cond.withLock(() => {
      throw new Error('inside');
    }), /inside/);
    assert.equal(cond.lock.locked(), false, 'released on throw');
    assert.equal(await cond.withLockAsync(() => Promise.resolve(cond.lock.heldByMe())), true);
    {
      using g = cond.guard(1000);
      assert.ok(g);
      cond.notifyAll(); // legal only with the lock held
    }
    assert.equal(cond.lock.locked(), false);
    {
      using g = await cond.guardAsync(1000);
      assert.ok(g);
      assert.equal(cond.lock.heldByMe(), true);
    }
    assert.equal(await cond.acquireAsync(1000), true);
    cond.release();
    assert.equal(cond.lock.locked(), false);
  });
});

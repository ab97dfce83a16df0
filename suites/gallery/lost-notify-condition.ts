/**
 * Gallery: the condition variable that loses a notify. BROKEN ON PURPOSE.
 *
 * The bug: wait() releases the lock and only then reads the wake-up counter
 * it will sleep on. A notify() that lands between the two (the notifier
 * takes the freed lock, bumps the counter, notifies nobody) is invisible:
 * the waiter reads the new value and sleeps until the next notify, which may
 * never come. The fix: read the counter while still holding the lock, then
 * release, then Atomics.wait on the value read. The lock itself is correct.
 * Caught by conformance/condition as a hang ("no lost wakeup").
 *
 * The yieldPoint('user', ...) calls mark the steps of wait(),
 * as a library author marks the steps of their own algorithm (README,
 * "Validating your own primitive"): the harness's seeded jitter can then land
 * between releasing the lock and reading the counter, a window of a few ns
 * that jitter at the suite's call boundaries cannot reach (0.1-0.8% of trials
 * without them). They do not change the bug. The correct adapters in
 * suites/impls need none: every operation of our primitives is a yield point.
 */
import { yieldPoint } from '@shakedown/primitives';
import type { ConditionImpl, ImplModule } from '../../harness/contract/types.js';

/** 0 free, 1 held. */
const LOCK = 0;
/** Bumped by every notify; waiters sleep on it. */
const SEQ = 1;

const impl: ImplModule<{ buffer: SharedArrayBuffer }, ConditionImpl> = {
  kind: 'condition',
  name: 'lost-notify-condition',
  create: () => ({ buffer: new SharedArrayBuffer(8) }),
  attach({ buffer }) {
    const w = new Int32Array(buffer);
    const acquire = (timeoutMs = Infinity): boolean => {
      const deadline = performance.now() + timeoutMs;
      while (Atomics.compareExchange(w, LOCK, 0, 1) !== 0) {
        const left = deadline - performance.now();
        if (left <= 0) return false;
        // Sleep while held; release() notifies.
        Atomics.wait(w, LOCK, 1, left);
      }
      return true;
    };
    const release = (): void => {
      Atomics.store(w, LOCK, 0);
      Atomics.notify(w, LOCK, 1);
    };
    return {
      acquire,
      release,
      wait(timeoutMs = Infinity) {
        release();
        yieldPoint('user', 'condition.wait: lock released, counter not read');
        const deadline = performance.now() + timeoutMs;
        // BUG: read after releasing the lock (and after the clock read above): a notify in between is missed.
        const seq = Atomics.load(w, SEQ);
        yieldPoint('user', 'condition.wait: counter read, going to sleep');
        const r = Atomics.wait(w, SEQ, seq, Math.max(0, deadline - performance.now()));
        acquire();
        return r !== 'timed-out';
      },
      notify(n = 1) {
        Atomics.add(w, SEQ, 1);
        Atomics.notify(w, SEQ, n);
      },
    };
  },
};
export default impl;

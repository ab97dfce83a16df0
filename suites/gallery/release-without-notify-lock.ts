/**
 * Gallery: the lock whose release forgets to notify. BROKEN ON PURPOSE.
 *
 * The bug: acquire() takes the lock atomically (compareExchange) and sleeps
 * with Atomics.wait while it is held, but release() only stores 0 and never
 * calls Atomics.notify. A thread already asleep is never woken: with a
 * timeout it wakes late, without one it sleeps forever (a lost wakeup).
 * The fix: Atomics.notify(w, 0, 1) after the store. Caught by
 * conformance/lock as a hang (acquire() with no timeout never returns).
 */
import type { ImplModule, LockImpl } from '../../harness/contract/types.js';

/** Word 0: 0 free, 1 held. */
const STATE = 0;

const impl: ImplModule<{ buffer: SharedArrayBuffer }, LockImpl> = {
  kind: 'lock',
  name: 'release-without-notify-lock',
  create: () => ({ buffer: new SharedArrayBuffer(4) }),
  attach({ buffer }) {
    const w = new Int32Array(buffer);
    return {
      acquire(timeoutMs = Infinity) {
        const deadline = performance.now() + timeoutMs;
        while (Atomics.compareExchange(w, STATE, 0, 1) !== 0) {
          const left = deadline - performance.now();
          if (left <= 0) return false;
          // Sleep while held, trusting release() to wake us.
          Atomics.wait(w, STATE, 1, left);
        }
        return true;
      },
      release() {
        // BUG: no Atomics.notify: sleepers stay asleep.
        Atomics.store(w, STATE, 0);
      },
    };
  },
};
export default impl;

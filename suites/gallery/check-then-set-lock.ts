/**
 * Gallery: the check-then-set lock. BROKEN ON PURPOSE.
 *
 * The bug: acquire() checks that the word is 0, then stores 1, as two steps.
 * Two threads can both load 0 before either stores, and both walk into the
 * critical section. The fix is one atomic step: Atomics.compareExchange(w, 0, 0, 1).
 * Caught by conformance/lock "mutual exclusion".
 */
import type { ImplModule, LockImpl } from '../../harness/contract/types.js';

/** Word 0: 0 free, 1 held. */
const STATE = 0;

const impl: ImplModule<{ buffer: SharedArrayBuffer }, LockImpl> = {
  kind: 'lock',
  name: 'check-then-set-lock',
  create: () => ({ buffer: new SharedArrayBuffer(4) }),
  attach({ buffer }) {
    const w = new Int32Array(buffer);
    return {
      acquire(timeoutMs = Infinity) {
        const deadline = performance.now() + timeoutMs;
        while (true) {
          if (Atomics.load(w, STATE) === 0) {
            // BUG: another thread may have seen 0 too, between this check and the store.
            Atomics.store(w, STATE, 1);
            return true;
          }
          const left = deadline - performance.now();
          if (left <= 0) return false;
          // Sleep while held; release() notifies.
          Atomics.wait(w, STATE, 1, left);
        }
      },
      release() {
        Atomics.store(w, STATE, 0);
        Atomics.notify(w, STATE, 1);
      },
    };
  },
};
export default impl;

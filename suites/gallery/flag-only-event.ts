/**
 * Gallery: the event whose waiters sleep on its flag. BROKEN ON PURPOSE. (It is how
 * @shakedown/primitives' own Event worked until issue 14.)
 *
 * The bug: wait() sleeps while the flag word is 0; set() stores 1 and wakes every sleeper, clear()
 * stores 0. A waiter woken by set() runs some microseconds later; if clear() came first, it finds
 * the flag 0 again, goes back to sleep and returns false at its timeout. CPython's Event (and so
 * this project's contract) releases every thread waiting at the moment of set(), whatever follows.
 * The fix: sleep on a count of set() calls and return once it moved (primitives/src/event.ts).
 * Caught by conformance/event's pulse check ("set releases every waiter asleep at that moment").
 */
import type { EventImpl, ImplModule } from '../../harness/contract/types.js';

/** 0 clear, 1 set: the only word, and the one the waiters sleep on. */
const FLAG = 0;

const impl: ImplModule<{ buffer: SharedArrayBuffer }, EventImpl> = {
  kind: 'event',
  name: 'flag-only-event',
  create: () => ({ buffer: new SharedArrayBuffer(4) }),
  attach({ buffer }) {
    const w = new Int32Array(buffer);
    return {
      set() {
        Atomics.store(w, FLAG, 1);
        Atomics.notify(w, FLAG);
      },
      clear() {
        Atomics.store(w, FLAG, 0);
      },
      isSet: () => Atomics.load(w, FLAG) === 1,
      wait(timeoutMs = Infinity) {
        const deadline = performance.now() + timeoutMs;
        // BUG: woken by set(), the waiter re-reads the flag; a clear() in between sends it back to sleep.
        while (Atomics.load(w, FLAG) === 0) {
          const left = deadline - performance.now();
          if (left <= 0) return false;
          Atomics.wait(w, FLAG, 0, left);
        }
        return true;
      },
    };
  },
};
export default impl;

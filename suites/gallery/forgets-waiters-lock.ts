/**
 * Gallery: the futex lock whose woken waiter forgets the other waiters.
 * BROKEN ON PURPOSE.
 *
 * The lock word has three states, as in Drepper's "Futexes Are Tricky":
 * 0 free, 1 held, 2 held with sleepers. A thread that finds it held marks it
 * 2 and sleeps; release() swaps in 0 and wakes one sleeper only when the old
 * state was 2 (so an uncontended release makes no system call).
 * The bug: a woken thread takes the lock with compareExchange(0 -> 1), as if
 * nobody else were waiting. With two sleepers, the first one woken sets the
 * word to 1, its release() sees 1 and wakes nobody, and the second sleeper
 * sleeps forever (a lost wakeup). It takes three threads: one holding, two
 * asleep; at two threads it never shows.
 * The fix: after any sleep, take the lock with exchange(2), never with 1.
 * Caught by conformance/lock at 3 and 4 threads, as a hang (an acquire() with
 * no timeout never returns), or as a deadlock under controlled scheduling.
 */
import { yieldPoint } from '@shakedown/primitives';
import type { ImplModule, LockImpl } from '../../harness/contract/types.js';

/** Word 0: 0 free, 1 held, 2 held with (possibly) sleepers. */
const STATE = 0;
const FREE = 0;
const HELD = 1;
const CONTENDED = 2;

const impl: ImplModule<{ buffer: SharedArrayBuffer }, LockImpl> = {
  kind: 'lock',
  name: 'forgets-waiters-lock',
  create: () => ({ buffer: new SharedArrayBuffer(4) }),
  attach({ buffer }) {
    const w = new Int32Array(buffer);
    return {
      acquire(timeoutMs = Infinity) {
        const deadline = performance.now() + timeoutMs;
        // BUG (also on every retry after a sleep): 0 -> 1 says "nobody waits", which may be false.
        let seen = Atomics.compareExchange(w, STATE, FREE, HELD);
        while (seen !== FREE) {
          // Held: say there is a sleeper, so the holder's release() wakes one.
          if (seen === HELD && Atomics.compareExchange(w, STATE, HELD, CONTENDED) === FREE) {
            seen = Atomics.compareExchange(w, STATE, FREE, HELD);
            continue;
          }
          const left = deadline - performance.now();
          if (left <= 0) return false;
          // Sleep while the word is 2; release() swaps in 0 and wakes one sleeper.
          Atomics.wait(w, STATE, CONTENDED, left);
          yieldPoint('user', 'lock.acquire: woken, retaking as uncontended');
          seen = Atomics.compareExchange(w, STATE, FREE, HELD);
        }
        return true;
      },
      tryAcquire() {
        return Atomics.compareExchange(w, STATE, FREE, HELD) === FREE;
      },
      release() {
        // Wakes a sleeper only if the word said there was one: after the bug it says 1.
        if (Atomics.exchange(w, STATE, FREE) === CONTENDED) Atomics.notify(w, STATE, 1);
      },
    };
  },
};
export default impl;

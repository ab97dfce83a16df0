/**
 * Gallery: the barrier that counts wrong on reuse. BROKEN ON PURPOSE.
 *
 * The bug: arrivals are counted up to `parties`, which releases everyone;
 * the count goes back to 0 only when the last thread has LEFT. The thread
 * that released the others does not sleep, so it often leaves first and
 * arrives at the next generation while sleepers are still waking up: its
 * arrival is counted on top of the old count, then wiped by the reset. The
 * next generation never fills, and its waiters time out. The fix: reset the
 * count in the releasing thread before it bumps the generation.
 * Caught by conformance/barrier "every thread passes every generation".
 */
import type { BarrierImpl, ImplModule } from '../../harness/contract/types.js';

/** Arrivals this generation. */
const COUNT = 0;
/** Generation number; bumped to release the waiters, who sleep on it. */
const GEN = 1;
/** Threads that have left this generation. */
const LEFT = 2;

const impl: ImplModule<{ buffer: SharedArrayBuffer; parties: number }, BarrierImpl> = {
  kind: 'barrier',
  name: 'reset-on-leave-barrier',
  create: ({ parties = 2 }) => ({ buffer: new SharedArrayBuffer(12), parties }),
  attach({ buffer, parties }) {
    const w = new Int32Array(buffer);
    const leave = (): void => {
      if (Atomics.add(w, LEFT, 1) + 1 === parties) {
        // BUG: too late: a fast thread may already have arrived at the next generation.
        Atomics.store(w, LEFT, 0);
        Atomics.store(w, COUNT, 0);
      }
    };
    return {
      wait(timeoutMs = Infinity) {
        const deadline = performance.now() + timeoutMs;
        const gen = Atomics.load(w, GEN);
        if (Atomics.add(w, COUNT, 1) + 1 === parties) {
          Atomics.add(w, GEN, 1);
          Atomics.notify(w, GEN);
          leave();
          return;
        }
        // Sleep while the generation has not moved; the releaser bumps it and notifies.
        while (Atomics.load(w, GEN) === gen) {
          const left = deadline - performance.now();
          if (left <= 0) throw new Error('barrier wait timed out');
          Atomics.wait(w, GEN, gen, left);
        }
        leave();
      },
    };
  },
};
export default impl;

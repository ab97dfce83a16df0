/**
 * Gallery: the semaphore that admits one too many. BROKEN ON PURPOSE.
 *
 * The bug: acquire() tests `count >= 0` where it means `count > 0`, so with
 * no permit left one more thread still decrements the count (to -1) and
 * walks in: permits + 1 holders at once. The fix: take only while count > 0.
 * Caught by conformance/semaphore "never more holders than permits" and
 * "no lost permits" (permits + 1 acquire(0) succeed on the idle semaphore).
 */
import type { ImplModule, SemaphoreImpl } from '../../harness/contract/types.js';

/** Word 0: permits left. */
const COUNT = 0;

const impl: ImplModule<{ buffer: SharedArrayBuffer }, SemaphoreImpl> = {
  kind: 'semaphore',
  name: 'one-too-many-semaphore',
  create({ permits = 1 }) {
    const buffer = new SharedArrayBuffer(4);
    new Int32Array(buffer)[COUNT] = permits;
    return { buffer };
  },
  attach({ buffer }) {
    const w = new Int32Array(buffer);
    return {
      acquire(timeoutMs = Infinity) {
        const deadline = performance.now() + timeoutMs;
        while (true) {
          const v = Atomics.load(w, COUNT);
          // BUG: should be v > 0.
          if (v >= 0 && Atomics.compareExchange(w, COUNT, v, v - 1) === v) return true;
          const left = deadline - performance.now();
          if (left <= 0) return false;
          // Sleep while the count is what we saw; release() notifies.
          Atomics.wait(w, COUNT, v, left);
        }
      },
      release() {
        Atomics.add(w, COUNT, 1);
        Atomics.notify(w, COUNT, 1);
      },
    };
  },
};
export default impl;

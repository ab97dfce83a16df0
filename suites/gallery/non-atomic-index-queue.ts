/**
 * Gallery: the queue with a non-atomic index. BROKEN ON PURPOSE.
 *
 * The bug: a producer reserves a slot by reading the tail index, writing
 * the slot, then storing tail + 1: three steps. Two producers can read the
 * same tail, write the same slot (one message overwrites the other) and both
 * store the same tail + 1: a message is lost. With one producer it is
 * correct, so only runs with two or more producers show it. The fix: reserve
 * with Atomics.compareExchange on the tail (and publish each slot with its
 * own ready flag). Consumers here take a small spin lock, so they are correct.
 * Caught by conformance/queue "no loss".
 *
 * The yieldPoint('user', ...) calls mark the steps of put(), as a library
 * author marks the steps of their own algorithm (README, "Validating your own
 * primitive"): the harness's seeded jitter can then land between reading the
 * tail and storing tail + 1, a window of a few ns that jitter at the suite's
 * call boundaries cannot reach. They do not change the bug. The correct
 * adapters in suites/impls need none: every operation of our primitives is a
 * yield point.
 */
import { yieldPoint } from '@shakedown/primitives';
import type { ImplModule, QueueImpl } from '../../harness/contract/types.js';

/** Next index to read. */
const HEAD = 0;
/** Next index to write; producers and consumers sleep on HEAD / TAIL. */
const TAIL = 1;
/** Consumers' spin lock: 0 free, 1 held. */
const GET_LOCK = 2;
const CLOSED = 3;
const WORDS = 4;

interface Handle {
  words: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  capacity: number;
}

const impl: ImplModule<Handle, QueueImpl> = {
  kind: 'queue',
  name: 'non-atomic-index-queue',
  create: ({ capacity = 2 }) => ({ words: new SharedArrayBuffer(4 * WORDS), slots: new SharedArrayBuffer(8 * capacity), capacity }),
  attach({ words, slots, capacity }) {
    const w = new Int32Array(words);
    const slot = new Float64Array(slots);
    return {
      put(value, timeoutMs = Infinity) {
        const deadline = performance.now() + timeoutMs;
        while (true) {
          if (Atomics.load(w, CLOSED) === 1) return false;
          const head = Atomics.load(w, HEAD);
          const tail = Atomics.load(w, TAIL);
          if (tail - head < capacity) {
            yieldPoint('user', 'queue.put: tail read');
            // BUG: another producer may have read the same tail.
            slot[tail % capacity] = value;
            yieldPoint('user', 'queue.put: slot written, tail not stored');
            Atomics.store(w, TAIL, tail + 1);
            Atomics.notify(w, TAIL);
            return true;
          }
          const left = deadline - performance.now();
          if (left <= 0) return false;
          // Full: sleep until a consumer moves HEAD (it notifies), bounded so close() is seen.
          Atomics.wait(w, HEAD, head, Math.min(left, 5));
        }
      },
      get(timeoutMs = Infinity) {
        const deadline = performance.now() + timeoutMs;
        while (true) {
          while (Atomics.compareExchange(w, GET_LOCK, 0, 1) !== 0);
          const head = Atomics.load(w, HEAD);
          const tail = Atomics.load(w, TAIL);
          if (head < tail) {
            const v = slot[head % capacity]!;
            Atomics.store(w, HEAD, head + 1);
            Atomics.store(w, GET_LOCK, 0);
            Atomics.notify(w, HEAD);
            return v;
          }
          Atomics.store(w, GET_LOCK, 0);
          if (Atomics.load(w, CLOSED) === 1) return undefined;
          const left = deadline - performance.now();
          if (left <= 0) return undefined;
          // Empty: sleep until a producer moves TAIL (it notifies), bounded so close() is seen.
          Atomics.wait(w, TAIL, tail, Math.min(left, 5));
        }
      },
      close() {
        Atomics.store(w, CLOSED, 1);
        Atomics.notify(w, HEAD);
        Atomics.notify(w, TAIL);
      },
    };
  },
};
export default impl;

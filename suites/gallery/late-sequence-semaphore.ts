/**
 * Gallery: the semaphore that reads its wake-up sequence too late. BROKEN ON
 * PURPOSE.
 *
 * Two words: the permits left, and a sequence number that release() bumps
 * before it wakes one sleeper. A thread that finds no permit sleeps on the
 * sequence, expecting the value it read, so that a release() between its
 * check and its sleep changes the sequence and the sleep returns at once.
 * The bug: acquire() reads the sequence after it found the count at 0, not
 * before. A release() in between (count 0 -> 1, sequence bumped, nobody yet
 * asleep to wake) is missed: the thread reads the new sequence and sleeps on
 * it with a permit free. Nobody may ever release again, and it sleeps
 * forever (a lost wakeup). It shows when one permit is contended by every
 * thread; with more permits than waiters a thread seldom sleeps.
 * The fix: read the sequence first, then the count.
 * Caught by conformance/semaphore (1-permit trials) as a hang, or as a
 * deadlock under controlled scheduling.
 */
import { yieldPoint } from '@shakedown/primitives';
import type { ImplModule, SemaphoreImpl } from '../../harness/contract/types.js';

/** Word 0: permits left. */
const COUNT = 0;
/** Word 1: bumped by every release(); sleepers wait on it. */
const SEQUENCE = 1;

const impl: ImplModule<{ buffer: SharedArrayBuffer }, SemaphoreImpl> = {
  kind: 'semaphore',
  name: 'late-sequence-semaphore',
  create({ permits = 1 }) {
    const buffer = new SharedArrayBuffer(8);
    new Int32Array(buffer)[COUNT] = permits;
    return { buffer };
  },
  attach({ buffer }) {
    const w = new Int32Array(buffer);
    const take = (): boolean => {
      for (let v = Atomics.load(w, COUNT); v > 0; v = Atomics.load(w, COUNT)) {
        if (Atomics.compareExchange(w, COUNT, v, v - 1) === v) return true;
      }
      return false;
    };
    return {
      acquire(timeoutMs = Infinity) {
        const deadline = performance.now() + timeoutMs;
        while (!take()) {
          yieldPoint('user', 'semaphore.acquire: no permit, sequence not read');
          // BUG: read before take(), this would see a release() that came in between.
          const seq = Atomics.load(w, SEQUENCE);
          const left = deadline - performance.now();
          if (left <= 0) return false;
          Atomics.wait(w, SEQUENCE, seq, left);
        }
        return true;
      },
      tryAcquire: take,
      release() {
        Atomics.add(w, COUNT, 1);
        Atomics.add(w, SEQUENCE, 1);
        Atomics.notify(w, SEQUENCE, 1);
      },
    };
  },
};
export default impl;

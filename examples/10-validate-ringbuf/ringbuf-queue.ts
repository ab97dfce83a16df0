/**
 * An adapter that lets shakedown's queue conformance suite validate
 * ringbuf.js (npm, MPL-2.0), a wait-free single-producer single-consumer
 * ring buffer over a SharedArrayBuffer. The adapter adds what the contract
 * asks and ringbuf.js leaves to its caller: blocking with a timeout (it polls,
 * since ringbuf.js has nothing to sleep on) and numbers one at a time.
 * It declares maxThreads: 2, so the suite runs one producer and one consumer.
 *
 *   npm run build
 *   npx stress run --impl queue=./dist/examples/10-validate-ringbuf/ringbuf-queue.js
 */
import { RingBuffer } from 'ringbuf.js';
import type { ImplModule, QueueImpl } from 'shakedown';

/** A private word to sleep on between polls (nobody notifies it: the sleep is a pause). */
const pause = new Int32Array(new SharedArrayBuffer(4));
/** Polls this many times before each short sleep: a waiting partner usually answers within microseconds. */
const SPINS = 200;
const SLEEP_MS = 0.05;

/** Retries `attempt` until it succeeds or `timeoutMs` passes (none: forever). */
function poll<T>(attempt: () => T | undefined, timeoutMs: number | undefined): T | undefined {
  const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs;
  for (let i = 0; ; i++) {
    const r = attempt();
    if (r !== undefined) return r;
    if (performance.now() >= deadline) return undefined;
    if (i % SPINS === SPINS - 1) Atomics.wait(pause, 0, 0, SLEEP_MS);
  }
}

const impl: ImplModule<{ storage: SharedArrayBuffer }, QueueImpl> = {
  kind: 'queue',
  name: 'ringbuf.js',
  // Single producer, single consumer: the suite must not put two threads on one end.
  maxThreads: 2,
  create: ({ capacity = 2 }) => ({ storage: RingBuffer.getStorageForCapacity(capacity, Float64Array) }),
  attach({ storage }) {
    const rb = new RingBuffer(storage, Float64Array);
    const one = new Float64Array(1);
    return {
      put(value, timeoutMs) {
        one[0] = value;
        return poll(() => (rb.push(one) === 1 ? true : undefined), timeoutMs) ?? false;
      },
      get(timeoutMs) {
        const out = new Float64Array(1);
        return poll(() => (rb.pop(out) === 1 ? out[0] : undefined), timeoutMs);
      },
    };
  },
};
export default impl;

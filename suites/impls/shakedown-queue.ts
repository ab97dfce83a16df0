/**
 * The conformance adapter for @shakedown/primitives' Queue of numbers. The
 * contract reports "full", "empty" and "closed" by return value; our Queue
 * throws QueueFullError, QueueEmptyError and QueueClosedError, so the adapter
 * turns exactly those into false / undefined and lets anything else through.
 */
import { Queue, type QueueHandle, QueueClosedError, QueueEmptyError, QueueFullError } from '@shakedown/primitives';
import type { ImplModule, QueueImpl } from '../../harness/contract/types.js';

const impl: ImplModule<QueueHandle, QueueImpl> = {
  kind: 'queue',
  name: 'shakedown-queue',
  // Numbers travel as float64: 8 bytes is the smallest message size allowed.
  create: ({ capacity = 2 }) => new Queue<number>(capacity, { name: 'queue', maxMessageBytes: 8 }).handle(),
  attach(handle) {
    const q = Queue.from<number>(handle);
    return {
      put(value, timeoutMs) {
        try {
          q.put(value, timeoutMs);
          return true;
        } catch (err) {
          if (err instanceof QueueFullError || err instanceof QueueClosedError) return false;
          throw err;
        }
      },
      get(timeoutMs) {
        try {
          return q.get(timeoutMs);
        } catch (err) {
          if (err instanceof QueueEmptyError || err instanceof QueueClosedError) return undefined;
          throw err;
        }
      },
      close: () => q.close(),
    };
  },
};
export default impl;

import { Queue, QueueClosedError } from '@shakedown/primitives';
import { PRODUCERS_DONE, awaitGate, stopRequested } from '../../lib/control.js';
import { makeMessage, seqOf } from './payload.js';
import type { FlowResult, QueueSpec } from './spec.js';

const WARMUP_MESSAGES = 20_000;
/** Puts between looks at the stop word. */
const STOP_CHECK_MASK = 63;

/** Runs put/get on a private queue so the timed run does not start in cold code. */
function warmUp(spec: QueueSpec): void {
  const q = new Queue<unknown>(spec.queue.capacity, { maxMessageBytes: spec.queue.maxMessageBytes });
  for (let i = 0; i < WARMUP_MESSAGES; i++) {
    q.put(makeMessage(spec.payload, spec.producerId, i), spec.timeoutMs);
    seqOf(q.get(spec.timeoutMs));
  }
}

function produce(spec: QueueSpec, q: Queue<unknown>): FlowResult {
  const t0 = performance.now();
  let sent = 0;
  let checksum = 0;
  while (sent < spec.maxMessages) {
    if ((sent & STOP_CHECK_MASK) === 0 && stopRequested(spec.control)) break;
    q.put(makeMessage(spec.payload, spec.producerId, sent), spec.timeoutMs);
    checksum += sent;
    sent++;
  }
  // The last producer out closes the queue: that is what lets consumers finish without a sentinel per consumer.
  if (Atomics.add(spec.control, PRODUCERS_DONE, 1) === spec.producers - 1) q.close();
  return { role: 'producer', messages: sent, checksum, elapsedMs: performance.now() - t0 };
}

function consume(spec: QueueSpec, q: Queue<unknown>): FlowResult {
  const t0 = performance.now();
  let received = 0;
  let checksum = 0;
  while (true) {
    let value: unknown;
    try {
      value = q.get(spec.timeoutMs);
    } catch (err) {
      if (err instanceof QueueClosedError) break;
      throw err;
    }
    received++;
    checksum += seqOf(value);
  }
  return { role: 'consumer', messages: received, checksum, elapsedMs: performance.now() - t0 };
}

export function prepareQueue(spec: QueueSpec): () => FlowResult {
  warmUp(spec);
  const q = Queue.from<unknown>(spec.queue);
  return () => {
    awaitGate(spec.control, spec.timeoutMs);
    return spec.role === 'producer' ? produce(spec, q) : consume(spec, q);
  };
}

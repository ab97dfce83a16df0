import { MessageChannel } from 'node:worker_threads';
import { awaitGate, stopRequested } from '../../lib/control.js';
import { makeMessage, seqOf } from './payload.js';
import type { ChannelSpec, FlowResult } from './spec.js';

const WARMUP_MESSAGES = 20_000;
const STOP_CHECK_MASK = 63;
/** End of stream. postMessage has no close-and-drain, so the producer says when it is done. */
const END = null;

function warmUpPosting(spec: ChannelSpec): void {
  const { port1, port2 } = new MessageChannel();
  for (let i = 0; i < WARMUP_MESSAGES; i++) port1.postMessage(makeMessage(spec.payload, spec.producerId, i));
  port1.close();
  port2.close();
}

function produce(spec: ChannelSpec): FlowResult {
  const t0 = performance.now();
  let sent = 0;
  let checksum = 0;
  while (sent < spec.maxMessages) {
    if ((sent & STOP_CHECK_MASK) === 0 && stopRequested(spec.control)) break;
    spec.port.postMessage(makeMessage(spec.payload, spec.producerId, sent));
    checksum += sent;
    sent++;
  }
  spec.port.postMessage(END);
  return { role: 'producer', messages: sent, checksum, elapsedMs: performance.now() - t0 };
}

function consume(spec: ChannelSpec): Promise<FlowResult> {
  const t0 = performance.now();
  let received = 0;
  let checksum = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      spec.port.close();
      reject(new Error(`channel consumer: no end of stream within ${spec.timeoutMs} ms`));
    }, spec.timeoutMs);
    spec.port.on('message', (value: unknown) => {
      if (value === END) {
        clearTimeout(timer);
        spec.port.close();
        resolve({ role: 'consumer', messages: received, checksum, elapsedMs: performance.now() - t0 });
        return;
      }
      received++;
      checksum += seqOf(value);
    });
  });
}

/**
 * The baseline for Queue: the same values through a MessageChannel, one
 * producer per consumer. Unlike the Queue it is unbounded (no back-pressure),
 * so the producer may run ahead; the figure is what the consumer received per
 * second of its own time.
 */
export function prepareChannel(spec: ChannelSpec): () => FlowResult | Promise<FlowResult> {
  if (spec.role === 'producer') warmUpPosting(spec);
  return () => {
    awaitGate(spec.control, spec.timeoutMs);
    return spec.role === 'producer' ? produce(spec) : consume(spec);
  };
}

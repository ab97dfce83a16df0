import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Queue } from '@shakedown/primitives';
import { newControl } from '../../lib/control.js';
import { type Row, makeRow } from '../../lib/row.js';
import { runTrial } from '../../lib/trial.js';
import { QUEUE, REPS } from '../config.js';
import { noteFailure } from '../failures.js';
import type { ChannelSpec, FlowResult, Payload, QueueSpec } from '../tasks/spec.js';
import type { SuiteResult } from '../suite.js';
import { WORKER_URL } from '../worker-url.js';

const SECTION = '3 queue';
const UNIT = 'msg/s';

/** Messages received per second: all consumers' messages over the slowest consumer's span. */
function rate(results: FlowResult[]): number {
  const sent = results.filter((r) => r.role === 'producer');
  const got = results.filter((r) => r.role === 'consumer');
  const sum = (rs: FlowResult[], f: (r: FlowResult) => number): number => rs.reduce((s, r) => s + f(r), 0);
  if (sum(sent, (r) => r.messages) !== sum(got, (r) => r.messages) || sum(sent, (r) => r.checksum) !== sum(got, (r) => r.checksum)) {
    throw new Error(`sent ${sum(sent, (r) => r.messages)} messages, received ${sum(got, (r) => r.messages)} (or checksums differ)`);
  }
  return sum(got, (r) => r.messages) / (Math.max(...got.map((r) => r.elapsedMs)) / 1000);
}

async function queueTrial(pairs: number, payload: Payload): Promise<number> {
  const control = newControl();
  const queue = new Queue<unknown>(QUEUE.capacity, { maxMessageBytes: QUEUE.maxMessageBytes, name: 'bench-queue' }).handle();
  const base = { task: 'queue' as const, control, queue, producers: pairs, maxMessages: QUEUE.maxMessages, payload, timeoutMs: QUEUE.timeoutMs };
  const data: QueueSpec[] = [];
  for (let i = 0; i < pairs; i++) {
    data.push({ ...base, role: 'producer', producerId: i }, { ...base, role: 'consumer', producerId: i });
  }
  const results = await runTrial({ workerUrl: WORKER_URL, data, control, runMs: QUEUE.runMs, timeoutMs: QUEUE.runMs + QUEUE.timeoutMs * 2 });
  return rate(results as FlowResult[]);
}

/** One MessageChannel per producer/consumer pair: postMessage has no shared multi-consumer queue. */
async function channelTrial(pairs: number, payload: Payload): Promise<number> {
  const control = newControl();
  const data: ChannelSpec[] = [];
  const transfer: MessagePort[][] = [];
  const base = { task: 'channel' as const, control, maxMessages: QUEUE.maxMessages, payload, timeoutMs: QUEUE.timeoutMs };
  for (let i = 0; i < pairs; i++) {
    const { port1, port2 } = new MessageChannel();
    data.push({ ...base, role: 'producer', producerId: i, port: port1 }, { ...base, role: 'consumer', producerId: i, port: port2 });
    transfer.push([port1], [port2]);
  }
  const results = await runTrial({ workerUrl: WORKER_URL, data, transfer, control, runMs: QUEUE.runMs, timeoutMs: QUEUE.runMs + QUEUE.timeoutMs * 2 });
  return rate(results as FlowResult[]);
}

const SHAPES = [1, 2] as const;
const PAYLOADS: Payload[] = ['number', 'object'];

export async function queueSuite(): Promise<SuiteResult> {
  const samples = new Map<string, number[]>();
  const at = (k: string): number[] => {
    if (!samples.has(k)) samples.set(k, []);
    return samples.get(k)!;
  };
  for (let rep = 0; rep < REPS; rep++) {
    for (const pairs of SHAPES) {
      for (const payload of PAYLOADS) {
        for (const [kind, run] of [['queue', queueTrial], ['channel', channelTrial]] as const) {
          let figure = NaN;
          try {
            figure = await run(pairs, payload);
          } catch (err) {
            noteFailure(`${kind} ${pairs}P${pairs}C ${payload} rep ${rep}`, err);
          }
          at(`${kind}/${pairs}/${payload}`).push(figure);
        }
      }
    }
  }
  const rows: Row[] = [];
  for (const pairs of SHAPES) {
    for (const payload of PAYLOADS) {
      rows.push(
        makeRow({
          section: SECTION,
          name: `Queue ${pairs}P/${pairs}C, ${payload === 'number' ? 'numbers' : '{id, seq}'}`,
          unit: UNIT,
          sense: 'higher-is-better',
          figure: at(`queue/${pairs}/${payload}`),
          baselineName: pairs === 1 ? 'MessageChannel' : `${pairs} MessageChannels`,
          baseline: at(`channel/${pairs}/${payload}`),
        }),
      );
    }
  }
  return { rows, notes: [] };
}

import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerMessage } from '../lib/trial.js';
import { prepareChannel } from './tasks/channel.js';
import { prepareContended } from './tasks/contended.js';
import { prepareQueue } from './tasks/queue.js';
import type { TaskSpec } from './tasks/spec.js';
import { prepareUncontended } from './tasks/uncontended.js';

function prepare(spec: TaskSpec): () => unknown {
  switch (spec.task) {
    case 'uncontended':
      return prepareUncontended(spec);
    case 'contended':
      return prepareContended(spec);
    case 'queue':
      return prepareQueue(spec);
    case 'channel':
      return prepareChannel(spec);
  }
}

if (parentPort === null) throw new Error('bench worker started outside a worker thread');
const port = parentPort;
const run = prepare(workerData as TaskSpec);
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
// A thrown error (sync or async) surfaces as the worker's 'error' event, which fails the trial.
const value: unknown = await run();
port.postMessage({ type: 'result', value } satisfies WorkerMessage);

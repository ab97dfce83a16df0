import type { TransferListItem, Worker } from 'node:worker_threads';
import { startThread } from '@shakedown/primitives';
import { openGate, requestStop } from './control.js';

/** What a bench worker posts: once when warmed up and waiting at the gate, once with its figures. */
export type WorkerMessage = { type: 'ready' } | { type: 'result'; value: unknown };

export interface TrialOptions {
  workerUrl: URL;
  /** One workerData per worker. */
  data: unknown[];
  /** Transfer lists, parallel to `data` (MessagePorts). */
  transfer?: TransferListItem[][];
  control: Int32Array;
  /** Raise STOP this long after the gate opens (fixed-duration runs). */
  runMs?: number;
  /** Watchdog for the whole trial: past it every worker is terminated and the trial fails. */
  timeoutMs: number;
}

interface Tracked {
  ready: Promise<void>;
  result: Promise<unknown>;
}

function track(worker: Worker): Tracked {
  let onReady!: () => void;
  let onResult!: (v: unknown) => void;
  let onFail!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited (code ${code}) before it was ready`)));
  });
  const result = new Promise<unknown>((resolve, reject) => {
    onResult = resolve;
    onFail = reject;
  });
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'ready') onReady();
    else onResult(m.value);
  });
  worker.once('error', (e) => onFail(e));
  worker.once('exit', (code) => onFail(new Error(`worker exited (code ${code}) without a result`)));
  // Either promise may be abandoned when the other fails first; it must not become an unhandled rejection.
  ready.catch(() => {});
  result.catch(() => {});
  return { ready, result };
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (workers terminated)`)), ms);
  });
  try {
    return await Promise.race([p, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts fresh workers, opens the start gate once all are warmed up, and
 * collects one result per worker. Whatever happens (hang, throw, timeout),
 * every worker is terminated before this returns.
 */
export async function runTrial(opts: TrialOptions): Promise<unknown[]> {
  const deadline = performance.now() + opts.timeoutMs;
  const workers = opts.data.map((workerData, i) =>
    startThread(opts.workerUrl, { workerData, transferList: opts.transfer?.[i] ?? [], name: `bench-${i}` }),
  );
  let stopTimer: NodeJS.Timeout | undefined;
  try {
    const tracked = workers.map(track);
    await withTimeout(Promise.all(tracked.map((t) => t.ready)), opts.timeoutMs, 'workers starting');
    openGate(opts.control);
    if (opts.runMs !== undefined) stopTimer = setTimeout(() => requestStop(opts.control), opts.runMs);
    const left = Math.max(1, deadline - performance.now());
    return await withTimeout(Promise.all(tracked.map((t) => t.result)), left, 'trial');
  } finally {
    clearTimeout(stopTimer);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

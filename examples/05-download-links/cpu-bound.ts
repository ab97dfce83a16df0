/**
 * The CPU-bound half of example 05: the same hash jobs one by one, through
 * Promise.all over async functions, and on worker threads. Each measure gives
 * the wall time and the CPU time the process used meanwhile (all its
 * threads): CPU / wall is how many cores were busy on average, which shows
 * what the threads bought even when other processes slow the whole machine.
 */
import type { Worker } from 'node:worker_threads';
import { Event, startThread } from '@shakedown/primitives';
import { burn } from './burn.js';

export interface Measure {
  wallMs: number;
  /** User + system CPU time of the whole process (every thread) during the measure. */
  cpuMs: number;
  /** Worker threads only: how long every worker was between the start and the end of its job at once. */
  allRunningMs?: number;
}

export const coresBusy = (m: Measure): number => m.cpuMs / m.wallMs;

export interface Comparison {
  oneByOne: Measure;
  promiseAll: Measure;
  threads: Measure;
}

/**
 * Each way `reps` times, taking turns (so a burst of load from other processes falls on all of
 * them alike), keeping each way's fastest run: the one least disturbed. `before` is an earlier
 * comparison to improve on.
 */
export async function compare(jobs: number, rounds: number, reps: number, before?: Comparison): Promise<Comparison> {
  let best = before;
  for (let r = 0; r < reps; r++) {
    const now = { oneByOne: await oneByOne(jobs, rounds), promiseAll: await promiseAll(jobs, rounds), threads: await workerThreads(jobs, rounds) };
    best = best === undefined ? now : { oneByOne: faster(best.oneByOne, now.oneByOne), promiseAll: faster(best.promiseAll, now.promiseAll), threads: faster(best.threads, now.threads) };
  }
  return best!;
}

const faster = (a: Measure, b: Measure): Measure => (b.wallMs < a.wallMs ? b : a);

async function timed(work: () => unknown): Promise<Measure> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await work();
  const wallMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

export function oneByOne(jobs: number, rounds: number): Promise<Measure> {
  burn(1_000_000); // compiled before timing, as the workers do
  return timed(() => {
    for (let i = 0; i < jobs; i++) burn(rounds);
  });
}

/**
 * An async function does not make CPU work concurrent: every call starts (and awaits, as if for
 * its input), then each runs its loop to the end on this one thread while the others wait.
 */
async function hashJob(rounds: number): Promise<number> {
  await Promise.resolve();
  return burn(rounds);
}

export function promiseAll(jobs: number, rounds: number): Promise<Measure> {
  return timed(() => Promise.all(Array.from({ length: jobs }, () => hashJob(rounds))));
}

/**
 * One worker thread per job. The workers are started, and have compiled the loop, before the
 * clock starts (a worker takes ~25 ms or more to start): only the work itself is timed.
 */
export async function workerThreads(jobs: number, rounds: number): Promise<Measure & { allRunningMs: number }> {
  const go = new Event({ name: 'go' });
  const url = new URL('./cpu-worker.js', import.meta.url);
  const workers: Worker[] = Array.from({ length: jobs }, (_, i) => startThread(url, { name: `cpu-${i}`, workerData: { rounds, go } }));
  // Listen before anything can happen: a worker may post, or exit, before the next await returns.
  const exited = Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
  const messages = workers.map((w) => messageQueue(w));
  try {
    await withDeadline(Promise.all(messages.map((next) => next())), 20_000, 'the workers did not start'); // 'ready'
    let spans: Array<{ start: number; end: number }> = [];
    const m = await timed(async () => {
      go.set();
      spans = (await withDeadline(Promise.all(messages.map((next) => next())), 60_000, 'the workers did not finish')) as typeof spans;
    });
    await withDeadline(exited, 10_000, 'the workers did not exit');
    const allRunningMs = Math.max(0, Math.min(...spans.map((s) => s.end)) - Math.max(...spans.map((s) => s.start)));
    return { ...m, allRunningMs };
  } finally {
    for (const w of workers) void w.terminate();
  }
}

/** The worker's messages in order, each as a promise; an error rejects the one awaited. */
function messageQueue(w: Worker): () => Promise<unknown> {
  const waiting: Array<{ resolve: (v: unknown) => void; reject: (e: Error) => void }> = [];
  const arrived: unknown[] = [];
  let failed: Error | undefined;
  w.on('message', (v) => {
    const next = waiting.shift();
    if (next !== undefined) next.resolve(v);
    else arrived.push(v);
  });
  w.on('error', (e: Error) => {
    failed = e;
    for (const next of waiting.splice(0)) next.reject(e);
  });
  return () => {
    if (arrived.length > 0) return Promise.resolve(arrived.shift());
    if (failed !== undefined) return Promise.reject(failed);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
}

async function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Worker groups, kept across configurations: for thread count N, N one-thread
 * tinypools, one per thread index, so thread t's part of every batch runs in
 * the same worker. That lets the executor post batch j+1 while batch j still
 * runs (each pool takes two tasks; the worker runs them in order): the main
 * thread's setup and structured-clone work then overlaps the trials instead
 * of leaving the workers idle. A shared pool could put two parts of one batch
 * on one worker, where they would wait for each other at the start gate.
 * Starting a group costs ~25 ms per worker (measured), so configurations with
 * the same thread count reuse one. A group that hung or crashed is destroyed
 * and its threads are reaped from the primitives' thread registry (terminated
 * workers never run their exit handlers).
 */
import { Tinypool } from 'tinypool';
import { reapThread } from '@shakedown/primitives';
import { DEFAULT_WORKER_HEAP_MB } from '../settings/defaults.js';

const WORKER_URL = new URL('./worker/trial-loop.js', import.meta.url).href;

/** Batches a worker may hold: the one running and the next, already posted. */
const TASKS_PER_WORKER = 2;

/** One worker per thread index of a trial. */
export type WorkerGroup = Tinypool[];

export class WorkerGroups {
  readonly #pools = new Map<number, WorkerGroup>();
  /** What a group's pools reported outside any task, by thread count, until the group is discarded. */
  readonly #errors = new Map<number, Error>();
  readonly #heapMb: number;

  constructor(heapMb = DEFAULT_WORKER_HEAP_MB) {
    this.#heapMb = heapMb;
    discardOutputOnceUnpiped();
  }

  /** Which suite (and implementation) last ran on the group of each thread count. */
  readonly #owners = new Map<number, string>();

  /**
   * Before a configuration runs: the group of `threads` workers is kept only if the same suite (and
   * implementation) ran on it last. A suite's actors can leave a worker broken for whoever comes
   * next (a global replaced, a stray rejection that fires later, a timer): that must not turn into
   * false errors of another suite's configurations. Within one suite, workers are reused (starting
   * a group costs ~25 ms per worker).
   */
  async claim(threads: number, owner: string): Promise<void> {
    const last = this.#owners.get(threads);
    if (last !== undefined && last !== owner) await this.discard(threads);
    this.#owners.set(threads, owner);
  }

  /** The first error a pool of this group raised outside a task (see get()); the executor reports it as a crash. */
  errorOf(threads: number): Error | undefined {
    return this.#errors.get(threads);
  }

  get(threads: number): WorkerGroup {
    let group = this.#pools.get(threads);
    if (group === undefined) {
      group = Array.from(
        { length: threads },
        () =>
          new Tinypool({
            filename: WORKER_URL,
            minThreads: 1,
            maxThreads: 1,
            concurrentTasksPerWorker: TASKS_PER_WORKER,
            isolateWorkers: false,
            // Idle groups stay for the whole run; close() ends them.
            idleTimeout: 2 ** 30,
            // A runaway actor exhausts its own worker's heap (reported as a crash), not the run's.
            resourceLimits: { maxOldGenerationSizeMb: this.#heapMb },
          }),
      );
      // tinypool emits 'error' on the pool when a worker fails with no task in hand (a message it did
      // not expect, a crash between batches). Unheard, that event would end the whole process with a
      // raw stack; heard, it ends this group's batch as a crash of its configuration.
      for (const pool of group) {
        pool.on('error', (err: unknown) => {
          if (!this.#errors.has(threads)) this.#errors.set(threads, err instanceof Error ? err : new Error(String(err)));
        });
      }
      this.#pools.set(threads, group);
    }
    return group;
  }

  /** Destroys the group of `threads` (after a hang or crash); the next get() starts a fresh one. */
  async discard(threads: number): Promise<void> {
    const group = this.#pools.get(threads);
    this.#errors.delete(threads);
    if (group === undefined) return;
    this.#pools.delete(threads);
    await Promise.all(group.map(destroy));
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()].flat();
    this.#pools.clear();
    this.#errors.clear();
    await Promise.all(pools.map(destroy));
  }
}

let discarding = false;

/**
 * A worker's stdout and stderr are piped into this process's. When the reader of ours has gone
 * (`stress run | head`: EPIPE), the pipe is undone and the worker's output stream stops flowing;
 * its writes then never complete, and a worker waiting for its output to flush before it replies
 * (tinypool does) never replies: every later trial would look hung. So output that can no longer be
 * shown is read and dropped instead. (The only other unpipe is at a worker's exit, when its
 * stream has ended and resuming it does nothing.)
 */
function discardOutputOnceUnpiped(): void {
  if (discarding) return;
  discarding = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('unpipe', (source: NodeJS.ReadableStream) => {
      source.resume();
    });
  }
}

/** Upper bound on waiting for a group's workers to exit: a safety net if a worker ends in a way tinypool does not see. */
const DESTROY_WAIT_MS = 5000;

async function destroy(pool: Tinypool): Promise<void> {
  const ids = pool.threads.map((w) => w?.threadId).filter((id): id is number => typeof id === 'number');
  // tinypool's destroy() waits for every worker's 'exit' event. A worker whose actor called
  // process.exit has already exited, and tinypool (which does not watch 'exit') still lists it:
  // that wait would never end. Its destroy() still terminates the live ones and rejects every
  // task synchronously enough for the caller's allSettled; only the exit wait is skipped.
  const anyExited = pool.threads.some((w) => hasExited(w));
  const destroyed = pool.destroy().catch(() => undefined);
  if (!anyExited) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([destroyed, new Promise<void>((resolve) => (timer = setTimeout(resolve, DESTROY_WAIT_MS)))]);
    clearTimeout(timer);
  }
  for (const id of ids) reapThread(id);
}

/** tinypool wraps each node Worker as `.thread`; a Worker's threadId is -1 once its thread has ended. */
function hasExited(w: unknown): boolean {
  const thread = (w as { thread?: { threadId?: unknown } } | null)?.thread;
  return thread?.threadId === -1;
}

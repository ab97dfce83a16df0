/**
 * Worker groups, kept across configurations: a tinypool of exactly N threads
 * per thread count N. Starting a group costs ~25 ms per worker (measured), so
 * configurations with the same thread count reuse one. A group that hung or
 * crashed is destroyed and its threads are reaped from the primitives'
 * thread registry (terminated workers never run their exit handlers).
 */
import { Tinypool } from 'tinypool';
import { reapThread } from '@shakedown/primitives';

const WORKER_URL = new URL('./worker/trial-loop.js', import.meta.url).href;
/** Heap limit per trial worker. */
export const WORKER_HEAP_MB = 1024;

export class WorkerGroups {
  readonly #pools = new Map<number, Tinypool>();
  readonly #heapMb: number;

  constructor(heapMb = WORKER_HEAP_MB) {
    this.#heapMb = heapMb;
  }

  get(threads: number): Tinypool {
    let pool = this.#pools.get(threads);
    if (pool === undefined) {
      pool = new Tinypool({
        filename: WORKER_URL,
        minThreads: threads,
        maxThreads: threads,
        isolateWorkers: false,
        // Idle groups stay for the whole run; close() ends them.
        idleTimeout: 2 ** 30,
        // A runaway actor exhausts its own worker's heap (reported as a crash), not the run's.
        resourceLimits: { maxOldGenerationSizeMb: this.#heapMb },
      });
      this.#pools.set(threads, pool);
    }
    return pool;
  }

  /** Destroys the group of `threads` (after a hang or crash); the next get() starts a fresh one. */
  async discard(threads: number): Promise<void> {
    const pool = this.#pools.get(threads);
    if (pool === undefined) return;
    this.#pools.delete(threads);
    await destroy(pool);
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map(destroy));
  }
}

async function destroy(pool: Tinypool): Promise<void> {
  const ids = pool.threads.map((w) => w?.threadId).filter((id): id is number => typeof id === 'number');
  await pool.destroy().catch(() => undefined);
  for (const id of ids) reapThread(id);
}

/** What crosses between a ThreadPoolExecutor (executor.ts) and its pool workers (executor-worker.ts). */
import type { TargetOutcome } from '@shakedown/primitives';

/** A function exported by a module: what a worker runs (Node cannot send a closure to a thread). */
export interface TargetRef {
  /** A path (relative to the working directory) or a URL, e.g. `new URL('./work.js', import.meta.url)`. */
  module: string | URL;
  /** The export's name; default: the module's default export. */
  target?: string;
}

/** Every pool worker gets this once (tinypool's workerData). */
export interface PoolSetup {
  /** Workers are named `${prefix}_${n}` (n counts the pool's workers from 0, replacements included). */
  prefix: string;
  /** n's counter: word 0, taken with Atomics.add by each worker as it starts. */
  counter: Int32Array;
  /** Run once in each worker before its first task (Python's initializer + initargs). */
  initializer?: { moduleUrl: string; target: string; args: unknown[] };
}

/** One submitted call. */
export interface Task {
  moduleUrl: string;
  target: string;
  args: unknown[];
  /** The future's words: [0] the task word (task-state.ts; the worker starts the work only if it wins it), [1] RUNS_TARGET. */
  state: Int32Array;
}

/**
 * The worker's reply: the outcome, `cancelled` when it found the task cancelled and skipped it,
 * `broken` when the worker's initializer failed (the executor is then broken, as Python's).
 */
export type TaskReply = TargetOutcome & { broken?: true };

/** Index in Task.state: 1 once the worker is past its initializer and calls the target. */
export const RUNS_TARGET = 1;

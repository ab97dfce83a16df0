/**
 * The one word that decides a submitted task's fate between threads: the pool worker that picks
 * it up and the thread that may cancel it race on it, and compareExchange lets exactly one win.
 * So cancel() is true only for work that never started, and a task settles once: cancelled by
 * the caller, or finished by the worker (or by the pool, for a worker that died mid-task).
 * Used by shakedown's ThreadPoolExecutor and by the `executor` suite that stress-tests it.
 */
import { type Blocking } from './wait.js';
import { remainingUntil } from './validate.js';

/** Submitted, not started: the only state cancel() can leave. */
export const TASK_PENDING = 0;
/** A worker won the start; it will finish it (or the pool will, if the worker dies). */
export const TASK_RUNNING = 1;
/** The caller won: the work never runs. Terminal. */
export const TASK_CANCELLED = 2;
/** The work ended (returned, threw, or its worker died). Terminal. */
export const TASK_FINISHED = 3;

/** The worker's side: true if it may run the task (it was pending and is now running). */
export function tryStartTask(state: Int32Array, index = 0): boolean {
  return Atomics.compareExchange(state, index, TASK_PENDING, TASK_RUNNING) === TASK_PENDING;
}

/** The caller's side: true if the task is cancelled now (it had not started), as Python's Future.cancel(). */
export function tryCancelTask(state: Int32Array, index = 0): boolean {
  const was = Atomics.compareExchange(state, index, TASK_PENDING, TASK_CANCELLED);
  if (was === TASK_PENDING) Atomics.notify(state, index);
  return was === TASK_PENDING || was === TASK_CANCELLED;
}

/**
 * The work ended: the terminal store, made after the work's last effect, then a wake for whoever
 * waits for the task to settle (a shutdown). Only a running task finishes; returns whether it did.
 */
export function finishTask(state: Int32Array, index = 0): boolean {
  const finished = Atomics.compareExchange(state, index, TASK_RUNNING, TASK_FINISHED) === TASK_RUNNING;
  if (finished) Atomics.notify(state, index);
  return finished;
}

/**
 * The pool's side, for work that will not run although nobody cancelled it (its executor broke):
 * a pending task becomes finished, so a worker that picks it up later skips it. Returns whether it did.
 */
export function failPendingTask(state: Int32Array, index = 0): boolean {
  const failed = Atomics.compareExchange(state, index, TASK_PENDING, TASK_FINISHED) === TASK_PENDING;
  if (failed) Atomics.notify(state, index);
  return failed;
}

/**
 * Waits until every task has settled (finished or cancelled) or the deadline passed; returns
 * whether they all did. A pending task is not settled: it is accepted work that has yet to run.
 */
export function* untilTasksSettled(states: Iterable<Int32Array>, deadline: number): Blocking<boolean> {
  for (const state of states) {
    for (;;) {
      const s = Atomics.load(state, 0);
      if (s === TASK_CANCELLED || s === TASK_FINISHED) break;
      const remaining = remainingUntil(deadline);
      if (remaining === 0) return false;
      // Sleep while the word keeps this value; a start, finish or cancel changes it and wakes us.
      yield { i32: state, index: 0, value: s, timeoutMs: remaining };
    }
  }
  return true;
}

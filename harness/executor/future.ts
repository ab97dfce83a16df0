/**
 * Python's concurrent.futures.Future: the eventual outcome of work submitted to a
 * ThreadPoolExecutor. Its fate between threads is decided on one shared word (task-state.ts in
 * the primitives): the pool worker that starts the work and a cancel() race on it, and exactly one
 * wins. Its outcome arrives on this thread's event loop, so the waiting forms return promises:
 * `await future.result()`. A Future is deliberately not thenable (nor is CPython's): `for await
 * (const f of asCompleted(futureToUrl))` must give futures that key the caller's Map, and
 * TypeScript types a thenable there as its value; an async function returning a thenable Future
 * would also hand back the value, not the Future (test/executor/future-types.test.ts).
 *
 * A Future belongs to the thread that made it (its callbacks run there); send the work's inputs to
 * other threads, not the Future.
 */
import {
  ShakedownError,
  TASK_RUNNING,
  failPendingTask,
  finishTask,
  tryCancelTask,
  tryStartTask,
} from '@shakedown/primitives';
import { checkTimeoutMs, timeoutAfter, timeoutError } from './timeouts.js';

/** Raised by result() and exception() of a cancelled future (Python's CancelledError). */
export class CancelledError extends ShakedownError {
  constructor(message = 'the future was cancelled before its work started') {
    super('ERR_FUTURE_CANCELLED', message);
  }
}

type Settled<T> = { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'cancelled' };

/** Internal: subscribe to settlement without a public callback (asCompleted, wait); returns the unsubscribe. */
export const ON_SETTLED: unique symbol = Symbol('shakedown.future.onSettled');
/** Internal: how it settled, read without a promise (wait's FIRST_EXCEPTION). */
export const OUTCOME_KIND: unique symbol = Symbol('shakedown.future.outcomeKind');

export class Future<T = unknown> {
  /**
   * Shared with the worker that runs the work: [0] the task word (TASK_PENDING ... TASK_FINISHED);
   * [1] 1 once the worker is past its initializer and runs the target (how the executor tells a
   * worker that died initializing, which breaks the pool, from one that died in the work).
   */
  readonly state: Int32Array;
  #settled: Settled<T> | undefined;
  readonly #callbacks: Array<(future: Future<T>) => void> = [];
  readonly #listeners = new Set<() => void>();

  /** A pending future with its own task word; an executor makes them, and so can implementors of one. */
  constructor() {
    this.state = new Int32Array(new SharedArrayBuffer(8));
  }

  /** True if cancelled or finished (its outcome is here). */
  done(): boolean {
    return this.#settled !== undefined;
  }

  /** True while its work runs in a worker. */
  running(): boolean {
    return this.#settled === undefined && Atomics.load(this.state, 0) === TASK_RUNNING;
  }

  cancelled(): boolean {
    return this.#settled?.kind === 'cancelled';
  }

  /**
   * Cancels the work if it has not started: true then (and for a future already cancelled), false
   * if it runs or has finished. Decided by compareExchange on the shared word, so a worker cannot
   * start what this call cancelled.
   */
  cancel(): boolean {
    if (this.#settled !== undefined) return this.#settled.kind === 'cancelled';
    if (!tryCancelTask(this.state)) return false;
    this.#settle({ kind: 'cancelled' });
    return true;
  }

  /** The work's value; rejects with what it threw, a CancelledError, or ERR_TIMEOUT after `timeoutMs`. */
  async result(timeoutMs?: number): Promise<T> {
    const s = await this.#whenSettled(checkTimeoutMs(timeoutMs, 'result timeout'), 'result');
    if (s.kind === 'value') return s.value;
    throw s.kind === 'cancelled' ? new CancelledError() : s.error;
  }

  /** What the work threw, or undefined if it returned; rejects with a CancelledError or ERR_TIMEOUT. */
  async exception(timeoutMs?: number): Promise<unknown> {
    const s = await this.#whenSettled(checkTimeoutMs(timeoutMs, 'exception timeout'), 'exception');
    if (s.kind === 'cancelled') throw new CancelledError();
    return s.kind === 'error' ? s.error : undefined;
  }

  /**
   * Calls `fn(future)` once it is done, in this thread, in the order added; at once if it already
   * is. What a callback throws is printed and ignored, as Python does.
   */
  addDoneCallback(fn: (future: Future<T>) => void): void {
    if (typeof fn !== 'function') throw new ShakedownError('ERR_INVALID_ARG', `addDoneCallback needs a function, got ${typeof fn}`);
    if (this.#settled === undefined) this.#callbacks.push(fn);
    else this.#call(fn);
  }

  // For executors (Python's set_running_or_notify_cancel, set_result, set_exception).

  /** Marks the work as started; false if the future was cancelled first (then do not run it). */
  setRunningOrNotifyCancel(): boolean {
    return tryStartTask(this.state);
  }

  /** The work returned `value`. Ignored if the future is already done (a future settles once). */
  setResult(value: T): boolean {
    if (!finishTask(this.state)) failPendingTask(this.state);
    return this.#settle({ kind: 'value', value });
  }

  /** The work threw `error` (or will never run). Ignored if the future is already done. */
  setException(error: unknown): boolean {
    if (!finishTask(this.state)) failPendingTask(this.state);
    return this.#settle({ kind: 'error', error });
  }

  /** Fails the work only if it has not started (no worker can start it afterwards); returns whether it did. */
  setExceptionIfNotStarted(error: unknown): boolean {
    if (this.#settled !== undefined || !failPendingTask(this.state)) return false;
    return this.#settle({ kind: 'error', error });
  }

  [ON_SETTLED](listener: () => void): () => void {
    if (this.#settled !== undefined) {
      listener();
      return () => {};
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  [OUTCOME_KIND](): Settled<T>['kind'] | undefined {
    return this.#settled?.kind;
  }

  toString(): string {
    const s = this.#settled;
    const state = s === undefined ? (this.running() ? 'running' : 'pending') : s.kind === 'cancelled' ? 'cancelled' : s.kind === 'value' ? 'finished returned' : 'finished raised';
    return `<Future state=${state}>`;
  }

  #settle(s: Settled<T>): boolean {
    if (this.#settled !== undefined) return false;
    this.#settled = s;
    for (const listener of [...this.#listeners]) listener();
    this.#listeners.clear();
    for (const fn of this.#callbacks.splice(0)) this.#call(fn);
    return true;
  }

  #call(fn: (future: Future<T>) => void): void {
    try {
      fn(this);
    } catch (err) {
      console.error(`exception calling callback for ${String(this)}:`, err);
    }
  }

  #whenSettled(timeoutMs: number, what: string): Promise<Settled<T>> {
    if (this.#settled !== undefined) return Promise.resolve(this.#settled);
    return new Promise((resolve, reject) => {
      let cancelTimer = (): void => {};
      const unsubscribe = this[ON_SETTLED](() => {
        cancelTimer();
        resolve(this.#settled!);
      });
      cancelTimer = timeoutAfter(timeoutMs, () => {
        unsubscribe();
        reject(timeoutError(`${what}(): the future did not finish within ${timeoutMs} ms`));
      });
    });
  }
}

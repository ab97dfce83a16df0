/**
 * Python's concurrent.futures.as_completed and wait, over Futures of this thread: both listen
 * for settlement (ON_SETTLED) instead of polling, and stop listening when they return.
 */
import { invalidArg } from '@shakedown/primitives';
import { ON_SETTLED, OUTCOME_KIND, type Future } from './future.js';
import { checkTimeoutMs, timeoutAfter, timeoutError } from './timeouts.js';
import { checkOptions, isIterable } from './validate.js';

export const FIRST_COMPLETED = 'FIRST_COMPLETED';
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
export const ALL_COMPLETED = 'ALL_COMPLETED';
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Futures as given: any iterable, or a Map keyed by futures (Python passes a dict: its keys). */
export type FutureSource<T> = Iterable<Future<T>> | ReadonlyMap<Future<T>, unknown>;

function uniqueFutures<T>(source: FutureSource<T>, what: string): Array<Future<T>> {
  if (typeof source !== 'object' || !isIterable(source)) throw invalidArg(`${what}'s futures`, 'an iterable of Futures (or a Map keyed by Futures)', source);
  const items: unknown[] = source instanceof Map ? [...(source as ReadonlyMap<unknown, unknown>).keys()] : [...(source as Iterable<unknown>)];
  items.forEach((f, i) => {
    if (f === null || typeof f !== 'object' || typeof (f as Future<T>)[ON_SETTLED] !== 'function') throw invalidArg(`${what}'s futures[${i}]`, 'a Future (from submit, or new Future())', f);
  });
  return [...new Set(items as Array<Future<T>>)];
}

/**
 * Yields each future once, as it completes (finished or cancelled): those already done first, in
 * the order given. With `timeoutMs` (from this call), the iteration rejects with ERR_TIMEOUT when
 * the next future is not done by then. Duplicates are yielded once.
 */
export function asCompleted<T>(futures: FutureSource<T>, options: { timeoutMs?: number } = {}): AsyncIterableIterator<Future<T>> {
  checkOptions(options, 'asCompleted options');
  const timeoutMs = checkTimeoutMs(options.timeoutMs, 'asCompleted timeout');
  const all = uniqueFutures(futures, 'asCompleted');
  const ready: Array<Future<T>> = all.filter((f) => f.done());
  let unfinished = all.length - ready.length;
  /** next() calls not answered yet, oldest first: each completion answers one (they may be called without awaiting). */
  const waiting: Array<{ resolve: (r: IteratorResult<Future<T>>) => void; reject: (e: unknown) => void }> = [];
  let closed = false;
  /** Set when the timeout ended the iteration with no next() waiting: the next call rejects with it. */
  let timedOut: Error | undefined;
  let cancelTimer = (): void => {};
  const close = (): void => {
    closed = true;
    cancelTimer();
    for (const u of unsubscribers) u();
  };
  const answer = (): void => {
    while (waiting.length > 0) {
      const next = ready.shift();
      if (next !== undefined) waiting.shift()!.resolve({ value: next, done: false });
      else if (unfinished === 0 || closed) waiting.shift()!.resolve({ value: undefined, done: true });
      else return;
    }
  };
  const unsubscribers = all
    .filter((f) => !f.done())
    .map((f) =>
      f[ON_SETTLED](() => {
        if (closed) return;
        ready.push(f);
        unfinished--;
        // Nothing left to time out: a pending timer would keep the process alive for nothing.
        if (unfinished === 0) cancelTimer();
        answer();
      }),
    );
  // From this call, as Python's: the iteration fails when the next future is not done by then.
  if (unfinished > 0) cancelTimer = timeoutAfter(timeoutMs, () => {
    if (unfinished === 0) return;
    const n = unfinished;
    close();
    const err = timeoutError(`asCompleted: ${n} (of ${all.length}) futures unfinished after ${timeoutMs} ms`);
    if (waiting.length > 0) for (const w of waiting.splice(0)) w.reject(err);
    else timedOut = err;
  });
  // Hand-written rather than an async generator: a generator's next() calls queue behind each
  // other and it cannot be woken by a completion; this one answers each next() as futures complete.
  const iterator: AsyncIterableIterator<Future<T>> = {
    next(): Promise<IteratorResult<Future<T>>> {
      // Futures done before a timeout are still yielded, then the timeout (as Python's).
      if (ready.length > 0) return Promise.resolve({ value: ready.shift()!, done: false });
      if (timedOut !== undefined) {
        const err = timedOut;
        timedOut = undefined;
        return Promise.reject(err);
      }
      if (closed || unfinished === 0) {
        if (!closed) close();
        return Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
      });
    },
    return(): Promise<IteratorResult<Future<T>>> {
      close();
      ready.length = 0;
      timedOut = undefined;
      answer();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}

export interface WaitResult<T> {
  done: Set<Future<T>>;
  notDone: Set<Future<T>>;
}

/**
 * Waits until `returnWhen` holds (default ALL_COMPLETED) or `timeoutMs` passed, then resolves
 * with the futures done and not done. FIRST_EXCEPTION returns when any future finishes by
 * throwing, or when all are done.
 */
export async function wait<T>(futures: FutureSource<T>, options: { timeoutMs?: number; returnWhen?: ReturnWhen } = {}): Promise<WaitResult<T>> {
  checkOptions(options, 'wait options');
  const { returnWhen = ALL_COMPLETED } = options;
  if (returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED) {
    throw invalidArg('wait returnWhen', "FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED (the strings 'FIRST_COMPLETED', ...)", returnWhen);
  }
  const timeoutMs = checkTimeoutMs(options.timeoutMs, 'wait timeout');
  const all = uniqueFutures(futures, 'wait');
  const met = (): boolean => {
    const done = all.filter((f) => f.done());
    if (done.length === all.length) return true;
    if (returnWhen === FIRST_COMPLETED) return done.length > 0;
    if (returnWhen === FIRST_EXCEPTION) return done.some((f) => f[OUTCOME_KIND]() === 'error');
    return false;
  };
  if (!met()) {
    await new Promise<void>((resolve) => {
      let unsubscribers: Array<() => void> = [];
      const cancelTimer = timeoutAfter(timeoutMs, finish);
      unsubscribers = all.map((f) => f[ON_SETTLED](() => met() && finish()));
      function finish(): void {
        cancelTimer();
        for (const u of unsubscribers) u();
        resolve();
      }
    });
  }
  const done = new Set(all.filter((f) => f.done()));
  return { done, notDone: new Set(all.filter((f) => !done.has(f))) };
}

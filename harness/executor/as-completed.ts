/**
 * Python's concurrent.futures.as_completed and wait, over Futures of this thread: both listen
 * for settlement (ON_SETTLED) instead of polling, and stop listening when they return.
 */
import { deadlineOf, remainingUntil } from '@shakedown/primitives';
import { ON_SETTLED, OUTCOME_KIND, type Future } from './future.js';
import { checkTimeoutMs, timeoutError } from './timeouts.js';

export const FIRST_COMPLETED = 'FIRST_COMPLETED';
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
export const ALL_COMPLETED = 'ALL_COMPLETED';
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Futures as given: any iterable, or a Map keyed by futures (Python passes a dict: its keys). */
export type FutureSource<T> = Iterable<Future<T>> | ReadonlyMap<Future<T>, unknown>;

function uniqueFutures<T>(source: FutureSource<T>, what: string): Array<Future<T>> {
  if (source === null || typeof source !== 'object' || typeof (source as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${what} needs an iterable of futures (or a Map keyed by futures)`);
  }
  const items: unknown[] = source instanceof Map ? [...(source as ReadonlyMap<unknown, unknown>).keys()] : [...(source as Iterable<unknown>)];
  for (const f of items) {
    if (f === null || typeof f !== 'object' || typeof (f as Future<T>)[ON_SETTLED] !== 'function') throw new TypeError(`${what}: ${String(f)} is not a Future`);
  }
  return [...new Set(items as Array<Future<T>>)];
}

/**
 * Yields each future once, as it completes (finished or cancelled): those already done first, in
 * the order given. With `timeoutMs` (from this call), the iteration rejects with ERR_TIMEOUT when
 * the next future is not done by then. Duplicates are yielded once.
 */
export function asCompleted<T>(futures: FutureSource<T>, options: { timeoutMs?: number } = {}): AsyncIterableIterator<Future<T>> {
  const deadline = deadlineOf(checkTimeoutMs(options.timeoutMs, 'asCompleted timeout'));
  const all = uniqueFutures(futures, 'asCompleted');
  const ready: Array<Future<T>> = all.filter((f) => f.done());
  let unfinished = all.length - ready.length;
  let wake: (() => void) | undefined;
  const unsubscribers = all
    .filter((f) => !f.done())
    .map((f) =>
      f[ON_SETTLED](() => {
        ready.push(f);
        unfinished--;
        wake?.();
      }),
    );
  let closed = false;
  const close = (): void => {
    closed = true;
    for (const u of unsubscribers) u();
  };
  // Hand-written rather than an async generator: a generator's `yield future` would await the
  // future (it is thenable) and yield its value instead.
  const iterator: AsyncIterableIterator<Future<T>> = {
    async next(): Promise<IteratorResult<Future<T>>> {
      if (closed) return { value: undefined, done: true };
      if (ready.length === 0 && unfinished > 0) {
        const remaining = remainingUntil(deadline);
        const arrived = await new Promise<boolean>((resolve) => {
          const timer = remaining === Infinity ? undefined : setTimeout(() => resolve(false), remaining);
          wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        wake = undefined;
        if (!arrived && ready.length === 0) {
          const n = unfinished;
          close();
          throw timeoutError(`asCompleted: ${n} (of ${all.length}) futures unfinished after ${options.timeoutMs} ms`);
        }
      }
      const next = ready.shift();
      if (next === undefined) {
        close();
        return { value: undefined, done: true };
      }
      return { value: next, done: false };
    },
    return(): Promise<IteratorResult<Future<T>>> {
      close();
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
  const { returnWhen = ALL_COMPLETED } = options;
  if (returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED) {
    throw new TypeError(`wait: returnWhen must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, got ${String(returnWhen)}`);
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
      const timer = timeoutMs === Infinity ? undefined : setTimeout(finish, timeoutMs);
      const unsubscribers = all.map((f) => f[ON_SETTLED](() => met() && finish()));
      function finish(): void {
        clearTimeout(timer);
        for (const u of unsubscribers) u();
        resolve();
      }
    });
  }
  const done = new Set(all.filter((f) => f.done()));
  return { done, notDone: new Set(all.filter((f) => !done.has(f))) };
}

/** Timeouts of the executor's waits: milliseconds, checked as the primitives check theirs. */
import { ShakedownError, checkTimeout } from '@shakedown/primitives';

/** `undefined` (or Infinity) is no limit; NaN, negatives and non-numbers are ERR_INVALID_TIMEOUT. */
export function checkTimeoutMs(timeoutMs: unknown, what: string): number {
  return checkTimeout(timeoutMs as number | undefined, what);
}

/** Python's TimeoutError from futures' waits: code ERR_TIMEOUT. */
export function timeoutError(message: string): ShakedownError {
  return new ShakedownError('ERR_TIMEOUT', message);
}


/** Node's timers hold at most 2^31 - 1 ms; a longer one fires at once (with a warning). */
const MAX_TIMER_MS = 0x7fffffff;

/**
 * setTimeout for any number of ms (Infinity: never): re-armed in steps of the longest timer Node
 * allows, so a timeout of 2^31 ms or a year is kept, not turned into 1 ms. Returns the cancel.
 */
export function timeoutAfter(ms: number, fire: () => void): () => void {
  if (ms === Infinity) return () => {};
  let timer: NodeJS.Timeout | undefined;
  const deadline = performance.now() + ms;
  // Always through a timer, also for 0: the caller's setup finishes before `fire` runs.
  const arm = (): void => {
    timer = setTimeout(tick, Math.min(Math.max(0, deadline - performance.now()), MAX_TIMER_MS));
  };
  const tick = (): void => {
    if (deadline - performance.now() <= 0) fire();
    else arm();
  };
  arm();
  return () => clearTimeout(timer);
}

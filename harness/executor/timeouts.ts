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


/**
 * Input checks shared by the executor and asCompleted/wait: a bad argument is ShakedownError
 * ERR_INVALID_ARG naming what was expected, as everywhere in shakedown, not the bare TypeError
 * ("is not iterable", "Cannot destructure") it would otherwise fail with further in.
 */
import { invalidArg } from '@shakedown/primitives';

/** An options argument: an object (or left out, so a default `{}` applies). */
export function checkOptions(options: unknown, what: string): void {
  if (typeof options !== 'object' || options === null) throw invalidArg(what, 'an object', options);
}

/** Something `for...of` takes: an object with [Symbol.iterator], or a string. */
export function isIterable(value: unknown): value is Iterable<unknown> {
  if (typeof value === 'string') return true;
  return typeof value === 'object' && value !== null && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
}

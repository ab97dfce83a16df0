import { ShakedownError, invalidArg, formatValue } from './errors.js';

/** Milliseconds to wait; `undefined` means forever. Rejects NaN, negatives and non-numbers up front. */
export function checkTimeout(timeoutMs: number | undefined, what = 'timeout'): number {
  if (timeoutMs === undefined || timeoutMs === Infinity) return Infinity;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new ShakedownError(
      'ERR_INVALID_TIMEOUT',
      `${what} must be a number of milliseconds >= 0 (or undefined for no timeout), got ${formatValue(timeoutMs)}`,
    );
  }
  return timeoutMs;
}

export function checkInt(value: unknown, what: string, min: number, max = 0x7fffffff): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidArg(what, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

export function checkName(name: unknown, fallback: string): string {
  if (name === undefined) return fallback;
  if (typeof name !== 'string' || name.length === 0) throw invalidArg('name', 'a non-empty string', name);
  return name;
}

/** Absolute deadline on the monotonic clock for a relative timeout. */
export function deadlineOf(timeoutMs: number): number {
  return timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
}

export function remainingUntil(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}

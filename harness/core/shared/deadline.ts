/**
 * The one deadline on awaited user code: a suite's prepare() (main thread and workers), the
 * evaluation of suite, config and --impl modules, and reporter calls (module, factory, onEvent,
 * finish). A promise that never settles would stall the run forever, and a pending promise alone
 * does not even keep Node's event loop alive: the process would drain and exit with no verdict.
 * So every such await has a deadline, and the caller turns a miss into an error that names the
 * code that missed it.
 */
import { HarnessError } from './errors.js';

/** Far beyond what loading modules, an implementation or writing a large report takes. */
export const DEFAULT_USER_CODE_TIMEOUT_MS = 30_000;
export const USER_CODE_TIMEOUT_ENV = 'STRESS_USER_CODE_TIMEOUT_MS';

/**
 * The longest delay a Node timer can hold (2^31-1 ms, about 24.8 days). Past it, setTimeout warns
 * (TimeoutOverflowWarning) and fires after 1 ms: a long deadline would expire at once, a false
 * failure. Every deadline computed here is clamped to it; a setting above it is refused.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * An environment variable holding a whole number of milliseconds that a timer can hold, or
 * undefined when it is unset or empty. Anything else is a usage error naming it (the CLI checks
 * these before anything runs), never silently the default.
 */
export function envMs(env: Readonly<Record<string, string | undefined>>, name: string, noun: string, expected: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(ms) || ms <= 0 || ms > MAX_TIMER_MS) {
    throw new HarnessError('ERR_USAGE', `${name}: ${JSON.stringify(raw)} is not ${noun}; expected a whole number of milliseconds ${expected}`);
  }
  return ms;
}

/** STRESS_USER_CODE_TIMEOUT_MS, if set (see envMs). */
function userCodeOverrideMs(env: Readonly<Record<string, string | undefined>>): number | undefined {
  return envMs(env, USER_CODE_TIMEOUT_ENV, 'a timeout', `> 0, at most ${MAX_TIMER_MS} (about 24.8 days, the longest a timer can wait; default ${DEFAULT_USER_CODE_TIMEOUT_MS})`);
}

/** The deadline in ms: STRESS_USER_CODE_TIMEOUT_MS, else 30 s. */
export function userCodeTimeoutMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  return userCodeOverrideMs(env) ?? DEFAULT_USER_CODE_TIMEOUT_MS;
}

/** prepare() runs once per configuration and may load an implementation: also at least 10 trial timeouts. */
export function prepareTimeoutMs(trialTimeoutMs: number, env: Readonly<Record<string, string | undefined>> = process.env): number {
  return userCodeOverrideMs(env) ?? clampToTimer(Math.max(DEFAULT_USER_CODE_TIMEOUT_MS, 10 * trialTimeoutMs));
}

/** `ms`, at most MAX_TIMER_MS: a computed deadline (10 trial timeouts, say) that a timer can hold. */
export function clampToTimer(ms: number): number {
  return Math.min(ms, MAX_TIMER_MS);
}

/** How a missed deadline reads in messages: `within 1.5 s (STRESS_USER_CODE_TIMEOUT_MS)`. */
export function within(ms: number): string {
  return `within ${ms / 1000} s (${USER_CODE_TIMEOUT_ENV})`;
}

export class DeadlineMissed extends Error {
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what} did not settle ${within(ms)}`);
    this.name = 'DeadlineMissed';
  }
}

/**
 * The value of `work`, or a DeadlineMissed naming `what` once `ms` (at most MAX_TIMER_MS) have passed. The work itself
 * cannot be cancelled: if it settles later, its result is dropped (a late rejection is handled, so
 * it never becomes an unhandled rejection that would crash the process). The timer is deliberately
 * not unref'd: it is what keeps the process alive until the miss can be reported.
 */
export function withDeadline<T>(work: T | Promise<T>, ms: number, what: string): Promise<T> {
  const pending = Promise.resolve(work);
  pending.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    const limit = clampToTimer(ms);
    timer = setTimeout(() => reject(new DeadlineMissed(what, limit)), limit);
  });
  return Promise.race([pending, deadline]).finally(() => clearTimeout(timer));
}

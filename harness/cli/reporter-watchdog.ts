/**
 * A deadline on every awaited piece of reporter code (module load, factory, onEvent, finish).
 * A promise that never settles does not keep Node's event loop alive: without a deadline, a
 * reporter that forgot to resolve lets the loop drain and the process exit 0 with no verdict. The
 * timer here is deliberately not unref'd: it is what keeps the process alive until the deadline
 * fires and the reporter can be named as failed.
 */
import { HarnessError } from '../errors.js';

/** Generous: a reporter that writes a large HTML report to a slow disk stays well inside it. */
export const DEFAULT_REPORTER_TIMEOUT_MS = 30_000;

/** STRESS_REPORTER_TIMEOUT_MS overrides the default (tests; a reporter that uploads over a slow network). */
export function reporterTimeoutMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.STRESS_REPORTER_TIMEOUT_MS;
  if (raw === undefined || raw === '') return DEFAULT_REPORTER_TIMEOUT_MS;
  const ms = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(ms) || ms <= 0) {
    throw new HarnessError('ERR_USAGE', `STRESS_REPORTER_TIMEOUT_MS: ${JSON.stringify(raw)} is not a timeout; expected a whole number of milliseconds > 0 (default ${DEFAULT_REPORTER_TIMEOUT_MS})`);
  }
  return ms;
}

/** What a missed deadline is called in messages: `did not settle within 1.5 s (STRESS_REPORTER_TIMEOUT_MS)`. */
export function within(ms: number): string {
  return `within ${ms / 1000} s (STRESS_REPORTER_TIMEOUT_MS)`;
}

export class ReporterTimeout extends Error {
  constructor(readonly ms: number) {
    super(`did not settle ${within(ms)}`);
    this.name = 'ReporterTimeout';
  }
}

/**
 * The value of `work`, or a ReporterTimeout once `ms` have passed. The work itself cannot be
 * cancelled: if it settles later, its result is dropped (a late rejection is handled, so it never
 * becomes an unhandled rejection that would crash the process).
 */
export function withDeadline<T>(work: Promise<T> | T, ms: number): Promise<T> {
  const pending = Promise.resolve(work);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReporterTimeout(ms)), ms);
  });
  pending.catch(() => undefined);
  return Promise.race([pending, deadline]).finally(() => clearTimeout(timer));
}

/** After the run's verdict is out: how long a stuck reporter's leftovers may keep the process alive. */
const STUCK_GRACE_MS = 2_000;

/**
 * A reporter that never settled may also hold the event loop (a timer, a socket): then the process
 * would never exit, verdict or not. Once every reporter has finished, an unref'd timer ends the
 * process if anything is still keeping it alive a little later (it never fires when the loop
 * drains by itself). The exit code is the one already set: 3 for a stuck reporter (2 when it was
 * stuck loading, before the run).
 */
export function endIfStuck(stuck: string[]): void {
  if (stuck.length === 0) return;
  setTimeout(() => {
    process.stderr.write(`stress: ending the process: reporter ${stuck.join(', ')} never settled and keeps it alive\n`);
    process.exit(typeof process.exitCode === 'number' && process.exitCode !== 0 ? process.exitCode : 3);
  }, STUCK_GRACE_MS).unref();
}

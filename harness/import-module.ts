/**
 * `import(url)` for user code (suites, implementations, config files): a module that is missing,
 * has a syntax error or throws at its top level becomes a one-line HarnessError with the caller's
 * code, naming what it was meant to be. A module whose top-level code never finishes (a top-level
 * await on a promise that never settles) is given up on after a time limit, with an error that
 * names it, instead of leaving the run waiting forever or ending it without a verdict.
 */
import { fileURLToPath } from 'node:url';
import { type HarnessErrorCode, HarnessError, thrownMessage } from './errors.js';
import { awaiting } from './awaiting.js';

/** No module of ours or of a sane suite takes this long to evaluate, even on a loaded machine. */
export const DEFAULT_IMPORT_TIMEOUT_MS = 30_000;

/** The limit on evaluating one user module: STRESS_IMPORT_TIMEOUT_MS (ms; tests use a short one), else 30 s. */
export function importTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const override = Number(env.STRESS_IMPORT_TIMEOUT_MS);
  return Number.isInteger(override) && override > 0 ? override : DEFAULT_IMPORT_TIMEOUT_MS;
}

export async function importUserModule(url: string, code: HarnessErrorCode, what: string): Promise<Record<string, unknown>> {
  try {
    return await importModule(url, what);
  } catch (err) {
    throw new HarnessError(code, `cannot load ${what} ${url}: ${thrownMessage(err)}`, { cause: err });
  }
}

/**
 * `import(url)` within the time limit; `what` names the module in the timeout's message and in
 * the steps the exit guard reports. Errors from the module itself are passed on unchanged.
 */
export function importModule(url: string, what: string): Promise<Record<string, unknown>> {
  return awaiting(`loading ${what} ${readable(url)}`, () => withDeadline(import(url) as Promise<Record<string, unknown>>, importTimeoutMs(), what));
}

async function withDeadline<T>(promise: Promise<T>, limitMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // Deliberately ref'd: a pending promise alone does not keep the event loop alive, and without
  // this timer a module awaiting forever would let the process end before the limit is reached.
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(
        new Error(
          `its top-level code did not finish within ${limitMs / 1000} s (a top-level await that never settles?); ` +
            `if this ${what} really needs longer, set STRESS_IMPORT_TIMEOUT_MS (milliseconds)`,
        ),
      );
    }, limitMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A file: URL as the path the user wrote, for messages. */
function readable(url: string): string {
  if (!url.startsWith('file:')) return url;
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

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
import { userCodeTimeoutMs, withDeadline } from './deadline.js';

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
  // A miss reads: "its top-level code did not settle within 30 s (STRESS_USER_CODE_TIMEOUT_MS)".
  return awaiting(`loading ${what} ${readable(url)}`, () => withDeadline(import(url) as Promise<Record<string, unknown>>, userCodeTimeoutMs(), 'its top-level code'));
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

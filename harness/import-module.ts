/**
 * `import(url)` for user code (suites, implementations): a module that is
 * missing, has a syntax error or throws at its top level becomes a one-line
 * HarnessError with the caller's code, naming what it was meant to be.
 */
import { type HarnessErrorCode, HarnessError, thrownMessage } from './errors.js';

export async function importUserModule(url: string, code: HarnessErrorCode, what: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw new HarnessError(code, `cannot load ${what} ${url}: ${thrownMessage(err)}`, { cause: err });
  }
}

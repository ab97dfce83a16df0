/**
 * Mocha needs every test title while the spec file loads, before any test
 * runs; suite modules are ES modules. Node >= 20.19 can require() an ES module
 * without top-level await, and shares the instance with import(), so the suite
 * is read here synchronously and the harness's later import() gets the same one.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../core/shared/errors.js';
import { type AnySuite, checkSuiteShape } from '../core/plan/load-suite.js';
import { resolveSuiteUrl } from '../core/plan/plan.js';

const require = createRequire(import.meta.url);

/** A built-in suite name, a path (from the working directory), a file: URL string or a URL. */
export type SuiteRef = string | URL;

export function suitePath(ref: SuiteRef): string {
  if (ref instanceof URL) return fileURLToPath(ref);
  if (ref.startsWith('file:')) return fileURLToPath(ref);
  return ref;
}

export function loadSuiteSync(ref: SuiteRef): { url: string; suite: AnySuite } {
  const url = resolveSuiteUrl(suitePath(ref));
  let mod: Record<string, unknown>;
  try {
    mod = require(fileURLToPath(url)) as Record<string, unknown>;
  } catch (err) {
    const e = err as Error & { code?: string };
    const hint = e.code === 'ERR_REQUIRE_ASYNC_MODULE' ? ' (stress.it needs suite modules without top-level await)' : '';
    throw new HarnessError('ERR_SUITE_LOAD', `cannot load suite ${url}: ${e.message}${hint}`, { cause: err });
  }
  const suite = mod.default ?? mod.suite;
  checkSuiteShape(suite, url);
  return { url, suite: suite as AnySuite };
}

/**
 * A target's outcome as plain data, so it crosses threads by structured clone: what it returned,
 * or what it threw with its name, message, stack and code kept (a thrown Error would lose its
 * code on the way). Shared by Thread (thread-entry.ts) and shakedown's ThreadPoolExecutor; what
 * was thrown becomes an outcome in thrown.ts.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface OutcomeError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  /** A thrown non-Error value, when it could be copied. */
  thrown?: unknown;
}

export type TargetOutcome = { ok: true; value: unknown; cancelled?: true } | { ok: false; error: OutcomeError };

/** The Error a joiner or a future's reader sees: name, message, stack and code as thrown; `thrown` for a non-Error value. */
export function errorOfOutcome(o: OutcomeError): Error {
  const e = Object.assign(new Error(o.message), { name: o.name }) as Error & { code?: string; thrown?: unknown };
  if (o.stack !== undefined) e.stack = o.stack;
  if (o.code !== undefined) e.code = o.code;
  if ('thrown' in o) e.thrown = o.thrown;
  return e;
}

/**
 * A module given as a path (relative to the working directory) or a URL, as the URL a worker
 * imports. A URL string only with a scheme Node imports from; anything else (C:\\x.js, a:b.mjs)
 * is a path.
 */
export function moduleUrlOf(module: string | URL): string {
  return module instanceof URL ? module.href : /^(file|data|node):/i.test(module) ? module : pathToFileURL(resolve(module)).href;
}

/** Imports the module and finds the exported function, or the outcome that says why not (ERR_THREAD_TARGET). */
export async function loadTarget(moduleUrl: string, target: string, what: string): Promise<((...args: unknown[]) => unknown) | TargetOutcome> {
  const mod = (await import(moduleUrl)) as Record<string, unknown>;
  const fn = mod[target];
  if (typeof fn === 'function') return fn as (...args: unknown[]) => unknown;
  return { ok: false, error: { name: 'ShakedownError', code: 'ERR_THREAD_TARGET', message: `${moduleUrl} has no exported function "${target}" (found ${fn === undefined ? 'nothing' : typeof fn}); ${what} is an exported function of a module` } };
}

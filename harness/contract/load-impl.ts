/**
 * Loads an implementation module by URL, once per thread, and checks its
 * shape. The main thread also runs the smoke check (checkImpl); workers only
 * import (the suites' `prepare` hook), so actors can stay synchronous.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HarnessError } from '../core/shared/errors.js';
import { importUserModule } from '../core/shared/import-module.js';
import { checkImplShape, pickExport } from './check.js';
import { smokeCheckInWorker } from './smoke.js';
import type { ImplKind, ImplModule } from './types.js';

const cache = new Map<string, Promise<ImplModule>>();
const loaded = new Map<string, ImplModule>();

export async function loadImpl(url: string, kind?: ImplKind): Promise<ImplModule> {
  let p = cache.get(url);
  if (p === undefined) {
    p = importImpl(url);
    cache.set(url, p);
  }
  const impl = await p;
  // Checked on every call: the cache is per URL, and one module may be offered for the wrong kind.
  if (kind !== undefined && impl.kind !== kind) {
    throw new HarnessError('ERR_IMPL_CONTRACT', `${url}: kind is ${JSON.stringify(impl.kind)}, but it was given as a ${kind} implementation (see docs/contracts.md)`);
  }
  return impl;
}

async function importImpl(url: string): Promise<ImplModule> {
  const mod = await importUserModule(url, 'ERR_IMPL_CONTRACT', 'implementation');
  const impl = checkImplShape(pickExport(mod), url);
  loaded.set(url, impl);
  return impl;
}

/** The module loadImpl already loaded in this thread (suites call this from actors and setup). */
export function loadedImpl(url: string): ImplModule {
  const impl = loaded.get(url);
  if (impl === undefined) throw new HarnessError('ERR_HARNESS', `implementation ${url} was not loaded in this thread (a suite's prepare hook must await loadImpl first)`);
  return impl;
}

/** Loads and shape-checks in the main thread, and smoke-checks once per URL (in a worker thread: smoke.ts). */
const smoked = new Set<string>();
export async function checkImpl(url: string, kind?: ImplKind): Promise<ImplModule> {
  const impl = await loadImpl(url, kind);
  if (!smoked.has(url)) {
    await smokeCheckInWorker(impl, url);
    smoked.add(url);
  }
  return impl;
}

/** `./my-lock.js` -> file URL; .ts is refused (Node 20 cannot import it). */
export function resolveImplUrl(ref: string): string {
  if (/^(file|data):/.test(ref)) return ref;
  const path = resolve(ref);
  if (!existsSync(path)) throw new HarnessError('ERR_USAGE', `implementation ${JSON.stringify(ref)}: no such file`);
  if (path.endsWith('.ts')) throw new HarnessError('ERR_USAGE', `${ref}: Node 20 cannot import .ts files; compile it (tsc) and pass the .js file`);
  return pathToFileURL(path).href;
}

/**
 * stress.config.json / .mjs / .js: the same settings as the flags, flags
 * win. Unknown keys and wrong types are errors (ERR_CONFIG), never ignored.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HarnessError } from '../errors.js';
import { importModule } from '../import-module.js';
import { paramNameProblem } from '../run-options.js';

export const CONFIG_NAMES = ['stress.config.json', 'stress.config.mjs', 'stress.config.js'];

export interface ConfigFile {
  /** Built-in suite names, or suite module paths relative to the config file. */
  suites?: string[];
  threads?: number[];
  cores?: Array<number | 'all'>;
  jitter?: string[];
  runs?: number;
  timeBudget?: string | number;
  /** A soak run's length (`--duration`). */
  duration?: string | number;
  seed?: string;
  timeout?: string | number;
  failFast?: boolean;
  maxFailures?: number;
  grep?: string;
  params?: Record<string, number | string | boolean>;
  /** Implementation modules by kind, paths relative to the config file: { "lock": "./dist/my-lock.js" }. */
  impl?: Record<string, string>;
  traceEvents?: number;
}

const KEYS: Record<keyof ConfigFile, string> = {
  suites: 'array of suite names or paths',
  threads: 'array of thread counts',
  cores: 'array of core counts or "all"',
  jitter: 'array of jitter profile names',
  runs: 'number',
  timeBudget: 'duration string such as "30s" or a number of ms',
  duration: 'duration string such as "8h" or a number of ms',
  seed: 'string',
  timeout: 'duration string such as "1s" or a number of ms',
  failFast: 'boolean',
  maxFailures: 'number',
  grep: 'string (regular expression)',
  params: 'object of name: value',
  impl: 'object of kind: module path',
  traceEvents: 'number',
};

export async function loadConfigFile(explicit: string | undefined): Promise<{ path: string; config: ConfigFile } | null> {
  const path = explicit !== undefined ? resolve(explicit) : CONFIG_NAMES.map((n) => resolve(n)).find((p) => existsSync(p));
  if (path === undefined) return null;
  if (!existsSync(path)) throw new HarnessError('ERR_CONFIG', `config file ${explicit} not found`);
  let raw: unknown;
  try {
    if (path.endsWith('.json')) raw = JSON.parse(readFileSync(path, 'utf8'));
    else raw = (await importModule(pathToFileURL(path).href, 'config file')).default;
  } catch (err) {
    throw new HarnessError('ERR_CONFIG', `${path}: cannot read config: ${(err as Error).message}`, { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new HarnessError('ERR_CONFIG', `${path}: expected an object of settings (default export for .js/.mjs)`);
  }
  for (const [k, v] of Object.entries(raw)) {
    // Own keys only: "toString" or "constructor" must be unknown keys, not members every object inherits.
    const expected = Object.hasOwn(KEYS, k) ? KEYS[k as keyof ConfigFile] : undefined;
    if (expected === undefined) throw new HarnessError('ERR_CONFIG', `${path}: unknown key ${JSON.stringify(k)}; known keys: ${Object.keys(KEYS).join(', ')}`);
    const ok =
      expected.startsWith('array') ? Array.isArray(v)
      : expected === 'number' ? typeof v === 'number'
      : expected === 'boolean' ? typeof v === 'boolean'
      : expected.startsWith('string') ? typeof v === 'string'
      : expected.startsWith('duration') ? typeof v === 'string' || typeof v === 'number'
      : typeof v === 'object' && v !== null && !Array.isArray(v);
    if (!ok) throw new HarnessError('ERR_CONFIG', `${path}: ${k} must be a ${expected}, got ${JSON.stringify(v)}`);
  }
  const config = raw as ConfigFile;
  if (config.params !== undefined) checkParams(path, config.params);
  return { path, config };
}

/** `params`: names a suite can own (not members every object inherits) and plain values. */
function checkParams(path: string, params: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(params)) {
    const problem = paramNameProblem(name);
    if (problem !== undefined) throw new HarnessError('ERR_CONFIG', `${path}: params: ${problem}`);
    if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') {
      throw new HarnessError('ERR_CONFIG', `${path}: params.${name} must be a number, string or boolean, got ${JSON.stringify(value) ?? String(value)}`);
    }
  }
}


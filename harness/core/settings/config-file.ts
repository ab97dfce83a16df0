/**
 * stress.config.json / .mjs / .js: the same settings as the flags, flags
 * win. Unknown keys and wrong types are errors (ERR_CONFIG), never ignored.
 */
import { didYouMean } from '../shared/closest-name.js';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HarnessError, thrownMessage } from '../shared/errors.js';
import { showValue } from '../shared/safe-value.js';
import { importModule } from '../shared/import-module.js';
import { paramNameProblem } from './run-options.js';

export const CONFIG_NAMES = ['stress.config.json', 'stress.config.mjs', 'stress.config.js'];

/** The setting names a config file may hold (stress.config.schema.json lists the same: tested). */
export const CONFIG_KEYS = (): string[] => Object.keys(KEYS);

/**
 * For a typed stress.config.mjs / .js (as vite's and vitest's): `export default defineConfig({ ... })`.
 * Returns the object unchanged; the checks happen when `stress` reads it.
 */
export function defineConfig(config: ConfigFile): ConfigFile {
  return config;
}

export interface ConfigFile {
  /** Built-in suite names, or suite module paths relative to the config file. */
  suites?: string[];
  threads?: number[];
  cores?: Array<number | 'all'>;
  jitter?: string[];
  /** The schedule axis: free, ctl, random, pct:D (plan/schedule-axis.ts). */
  schedule?: string[];
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
  /** Trial groups side by side: a number or "auto" (--jobs). */
  jobs?: number | 'auto';
  /** This job's shard, "i/n" (--shard); usually given per CI job on the command line. */
  shard?: string;
  /** Where results go, as --reporter takes them ("console", "junit:out/stress.xml", "./mine.js"); paths relative to the config file. */
  reporters?: string[];
  /** How JUnit writes a flaky invariant (--junit-flaky): "failure" (default), "surefire" or "repeat". */
  junitFlaky?: 'failure' | 'surefire' | 'repeat';
  /** Options for reporters (--reporter-option k=v). */
  reporterOptions?: Record<string, string>;
}

const KEYS: Record<keyof ConfigFile, string> = {
  suites: 'array of suite names or paths',
  threads: 'array of thread counts',
  cores: 'array of core counts or "all"',
  jitter: 'array of jitter profile names',
  schedule: 'array of schedule names (free, ctl, random, pct:D)',
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
  jobs: 'number or "auto"',
  shard: 'string "i/n"',
  reporters: 'array of reporters as --reporter takes them',
  junitFlaky: 'string: failure, surefire or repeat',
  reporterOptions: 'object of option: value',
};

/**
 * The config file for a run started in `from`: the first of CONFIG_NAMES in that directory or the
 * nearest directory above it (as eslint, prettier and mocha look), so `stress run` from a
 * subdirectory of a project uses the project's file. Only within the project: the search goes up
 * to the first directory with a package.json (or the home directory), and outside any project it
 * looks in `from` alone: a stress.config.mjs above it (in /tmp, say) is someone else's code.
 */
export function findConfigFile(from: string): string | undefined {
  const here = (dir: string): string | undefined => onlyConfigIn(dir);
  const start = resolve(from);
  const root = projectRoot(start);
  if (root === undefined) return here(start);
  for (let dir = start; ; dir = dirname(dir)) {
    const found = here(dir);
    if (found !== undefined || dir === root) return found;
  }
}

/**
 * The config file in `dir`, if any. Two (a stress.config.json beside a stress.config.mjs, say) are
 * an error, not a silent pick: whichever one `stress` read, the other is one the user may be editing
 * to no effect.
 */
function onlyConfigIn(dir: string): string | undefined {
  // A name that is a symlink to another one found here is that same file, not a second config.
  const seen = new Set<string>();
  const found = CONFIG_NAMES.filter((n) => {
    if (!existsSync(join(dir, n))) return false;
    const real = realpathSync(join(dir, n));
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
  if (found.length > 1) {
    throw new HarnessError('ERR_CONFIG', `${dir} has ${found.length} config files (${found.join(', ')}): it is ambiguous which one holds the settings; keep one (or name one with --config)`);
  }
  if (found.length === 1) return join(dir, found[0]!);
  // A config under a name this does not read (TypeScript, CommonJS, YAML) would be passed over in
  // silence, and the run would test the defaults instead of what the file asks, green or not.
  const unread = UNREAD_CONFIG_NAMES.filter((n) => existsSync(join(dir, n)));
  if (unread.length > 0) {
    throw new HarnessError(
      'ERR_CONFIG',
      `${join(dir, unread[0]!)} is not read: stress reads ${CONFIG_NAMES.join(', ')}; compile it to stress.config.mjs or .js (a .ts: tsc, then point --config at the output), or name another file with --config`,
    );
  }
  return undefined;
}

/** Config file names other tools read and stress does not: found where a config is looked for, they are an error, not passed over. */
const UNREAD_CONFIG_NAMES = ['stress.config.ts', 'stress.config.mts', 'stress.config.cts', 'stress.config.cjs', 'stress.config.yaml', 'stress.config.yml', 'stress.config.json5', 'stress.config.toml'];

/** The nearest directory at or above `start` with a package.json, not above the home directory. */
function projectRoot(start: string): string | undefined {
  const home = homedir();
  for (let dir = start; ; ) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir || dir === home) return undefined;
    dir = parent;
  }
}

export async function loadConfigFile(explicit: string | undefined): Promise<{ path: string; config: ConfigFile } | null> {
  const path = explicit !== undefined ? resolve(explicit) : findConfigFile(process.cwd());
  if (path === undefined) return null;
  if (!existsSync(path)) throw new HarnessError('ERR_CONFIG', `config file ${explicit} not found`);
  // A directory would reach the module loader, whose "Directory import ... is not supported" names no config.
  if (statSync(path).isDirectory()) {
    const inside = CONFIG_NAMES.filter((n) => existsSync(join(path, n)));
    const hint = inside.length > 0 ? `; it holds ${inside.map((n) => join(path, n)).join(', ')}` : '';
    throw new HarnessError('ERR_CONFIG', `${path} is a directory, expected a config file (${CONFIG_NAMES.join(', ')})${hint}`);
  }
  let raw: unknown;
  try {
    if (path.endsWith('.json')) raw = JSON.parse(withoutBom(readFileSync(path, 'utf8')));
    else raw = (await importModule(pathToFileURL(path).href, 'config file')).default;
  } catch (err) {
    // A module may throw anything (undefined, null, a string): thrownMessage puts it in words.
    throw new HarnessError('ERR_CONFIG', `${path}: cannot read config: ${thrownMessage(err)}`, { cause: err });
  }
  const config = plainSettings(path, raw);
  if (config.junitFlaky !== undefined && !['failure', 'surefire', 'repeat'].includes(config.junitFlaky)) {
    throw new HarnessError('ERR_CONFIG', `${path}: junitFlaky must be failure, surefire or repeat, got ${shown(config.junitFlaky)}`);
  }
  if (config.params !== undefined) checkParams(path, config.params);
  return { path, config };
}

/**
 * The text without a leading byte-order mark: Windows editors (Notepad, PowerShell's UTF8 encoding)
 * write one, and JSON.parse refuses it ("Unexpected token"). Node's module loader skips it for .mjs.
 */
function withoutBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** Items a list setting may hold; far more than any real config lists. */
const MAX_ITEMS = 10_000;

/**
 * The settings as plain data of our own, checked key by key. A .js/.mjs config is user code: its
 * object may have getters or be a Proxy, and those may throw anything (undefined, null) or answer
 * differently each time. So every value is read once, here, inside a guard, and copied (lists and
 * objects one level deep, their items primitives); a read that throws is ERR_CONFIG naming the
 * file, and nothing later reads the user's object again.
 */
function plainSettings(path: string, raw: unknown): ConfigFile {
  try {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new HarnessError('ERR_CONFIG', `${path}: expected an object of settings (default export for .js/.mjs), got ${shown(raw)}`);
    }
    // A promise, a class instance or a Map would have its settings in places Object.keys does not see: they would be ignored.
    const proto: unknown = Object.getPrototypeOf(raw);
    if (proto !== Object.prototype && proto !== null) {
      throw new HarnessError('ERR_CONFIG', `${path}: expected a plain object of settings (default export for .js/.mjs), got ${raw instanceof Promise ? 'a Promise (export the object itself; top-level await is fine)' : `an instance of ${className(proto)}`}`);
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(raw)) {
      // An editor's schema reference (stress.config.schema.json): not a setting.
      if (k === '$schema') continue;
      // Own keys only: "toString" or "constructor" must be unknown keys, not members every object inherits.
      const expected = Object.hasOwn(KEYS, k) ? KEYS[k as keyof ConfigFile] : undefined;
      if (expected === undefined) throw new HarnessError('ERR_CONFIG', `${path}: unknown key ${JSON.stringify(k)}${didYouMean(k, Object.keys(KEYS))}; known keys: ${Object.keys(KEYS).join(', ')}`);
      out[k] = plainValue(path, k, expected, Reflect.get(raw, k));
    }
    return out;
  } catch (err) {
    if (err instanceof HarnessError) throw err;
    throw new HarnessError('ERR_CONFIG', `${path}: cannot read config (a getter or Proxy trap threw): ${thrownMessage(err)}`, { cause: err });
  }
}

/** One setting, checked against its expected kind and copied. */
function plainValue(path: string, k: string, expected: string, v: unknown): unknown {
  const wrong = (): HarnessError => new HarnessError('ERR_CONFIG', `${path}: ${k} must be ${expected.startsWith('array') ? 'an' : 'a'} ${expected}, got ${shown(v)}`);
  if (expected.startsWith('array')) {
    if (!Array.isArray(v)) throw wrong();
    if (v.length > MAX_ITEMS) throw new HarnessError('ERR_CONFIG', `${path}: ${k} has ${v.length} items; expected at most ${MAX_ITEMS}`);
    const items: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (!isPlainItem(item)) throw wrong();
      items.push(item);
    }
    return items;
  }
  const ok =
    expected === 'number' ? typeof v === 'number'
    : expected.startsWith('number or') ? typeof v === 'number' || typeof v === 'string'
    : expected === 'boolean' ? typeof v === 'boolean'
    : expected.startsWith('string') ? typeof v === 'string'
    : expected.startsWith('duration') ? typeof v === 'string' || typeof v === 'number'
    : typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!ok) throw wrong();
  if (typeof v !== 'object' || v === null) return v;
  // params and impl: name -> value, the values a number, string or boolean (checked further by their parsers).
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(v)) {
    const value: unknown = (v as Record<string, unknown>)[name];
    // params hold numbers, strings or booleans; impl paths and reporter options are strings.
    if (!isPlainItem(value) || (k !== 'params' && typeof value !== 'string')) {
      const itemWord = k === 'params' ? 'number, string or boolean' : k === 'reporterOptions' ? 'string' : 'module path';
      throw new HarnessError('ERR_CONFIG', `${path}: ${k}.${name} must be a ${itemWord}, got ${shown(value)}`);
    }
    // defineProperty: a name such as "__proto__" is kept as data (checkParams names the problem), never a prototype.
    Object.defineProperty(copy, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** A prototype's class name for a message, never throwing (a Proxy or a getter may). */
function className(proto: unknown): string {
  try {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? name : 'a class';
  } catch {
    return 'a class';
  }
}

function isPlainItem(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** A value in a message: its JSON when it has one, else in words (a BigInt, a cycle, a throwing getter). Never throws. */
function shown(v: unknown): string {
  try {
    const json = JSON.stringify(v);
    if (json !== undefined) return json.length > 200 ? showValue(v, 200) : json;
  } catch {
    // Not JSON: in words below.
  }
  return showValue(v, 200);
}

/** `params`: names a suite can own (not members every object inherits) and plain values. */
function checkParams(path: string, params: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(params)) {
    const problem = paramNameProblem(name);
    if (problem !== undefined) throw new HarnessError('ERR_CONFIG', `${path}: params: ${problem}`);
    if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') {
      throw new HarnessError('ERR_CONFIG', `${path}: params.${name} must be a number, string or boolean, got ${shown(value)}`);
    }
  }
}


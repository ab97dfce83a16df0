/** Flags (and config file) -> RunOptions, validated. */
import { parseArgs } from 'node:util';
import type { RunOptions } from '../core/settings/run-options.js';
import { loadConfigFile } from './config-file.js';
import {
  parseCores,
  parseDuration,
  parseGrep,
  parseJitter,
  parseParams,
  parsePositiveInt,
  parseSeed,
  parseThreads,
  parseTimeout,
} from './parse.js';
import { parseImpls } from './impl-flag.js';
import { dirname, resolve } from 'node:path';
import { BUILTIN_SUITES, SUITE_GROUPS } from '../core/plan/builtin-suites.js';
import { HarnessError } from '../core/shared/errors.js';
import { parseShard } from '../core/plan/shard.js';
import { REPORTER_FLAGS, type ReporterSettings, reporterSettingsFrom } from './reporter-flags.js';
import { MAX_TRACE_EVENTS } from '../core/settings/run-options.js';

export const RUN_FLAGS = {
  threads: { type: 'string' },
  cores: { type: 'string' },
  jitter: { type: 'string' },
  runs: { type: 'string' },
  'time-budget': { type: 'string' },
  duration: { type: 'string' },
  seed: { type: 'string' },
  timeout: { type: 'string' },
  'fail-fast': { type: 'boolean' },
  'max-failures': { type: 'string' },
  grep: { type: 'string' },
  param: { type: 'string', multiple: true },
  impl: { type: 'string', multiple: true },
  'trace-events': { type: 'string' },
  json: { type: 'string' },
  config: { type: 'string' },
  shard: { type: 'string' },
  ...REPORTER_FLAGS,
  verbose: { type: 'boolean' },
} as const;

export interface CliRun {
  options: RunOptions;
  jsonPath?: string;
  reporters: ReporterSettings;
}

export function parseFlags(
  argv: string[],
  flags: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>,
  command = 'run',
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: flags, allowPositionals: true, strict: true });
    return { values: values, positionals };
  } catch (err) {
    // Node's parseArgs messages can span lines ("--threads -1" is "ambiguous" plus two hints): errors stay one line.
    const message = (err as Error).message.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
    throw new HarnessError('ERR_USAGE', `${message} (see stress ${command} --help)`);
  }
}

/** `command` names the help an unknown flag points to: `stress list` takes the run flags too. */
export async function runOptionsFrom(argv: string[], command = 'run'): Promise<CliRun> {
  const { values: v, positionals } = parseFlags(argv, RUN_FLAGS, command);
  const file = await loadConfigFile(v.config as string | undefined);
  const c = file?.config ?? {};
  const where = file === null ? '' : `${file.path}: `;
  const options: RunOptions = {};
  // Paths in the config file are relative to the file (as impl paths are); on the command line, to the current directory.
  const base = file === null ? process.cwd() : dirname(file.path);
  const suites = positionals.length > 0 ? positionals : c.suites?.map((ref) => suiteRelativeTo(base, ref));
  if (suites !== undefined) options.suites = suites;
  if (v.threads !== undefined) options.threads = parseThreads('--threads', v.threads as string);
  else if (c.threads !== undefined) options.threads = parseThreads(`${where}threads`, c.threads);
  if (v.cores !== undefined) options.cores = parseCores('--cores', v.cores as string);
  else if (c.cores !== undefined) options.cores = parseCores(`${where}cores`, c.cores);
  if (v.jitter !== undefined) options.jitter = parseJitter('--jitter', v.jitter as string);
  else if (c.jitter !== undefined) options.jitter = parseJitter(`${where}jitter`, c.jitter);
  if (v.runs !== undefined) options.runs = parsePositiveInt('--runs', v.runs as string);
  else if (c.runs !== undefined) options.runs = parsePositiveInt(`${where}runs`, c.runs);
  if (v['time-budget'] !== undefined) options.timeBudgetMs = parseDuration('--time-budget', v['time-budget'] as string);
  else if (c.timeBudget !== undefined) options.timeBudgetMs = parseDuration(`${where}timeBudget`, c.timeBudget);
  if (v.duration !== undefined) options.durationMs = parseDuration('--duration', v.duration as string);
  else if (c.duration !== undefined) options.durationMs = parseDuration(`${where}duration`, c.duration);
  if (options.durationMs !== undefined && options.runs !== undefined) {
    const what = v.duration !== undefined ? '--duration' : `${where}duration`;
    throw new HarnessError('ERR_USAGE', `${what}: a soak runs for a time, not a number of trials; drop runs (time budget sets the length of one pass)`);
  }
  const seed = seedSource(v.seed as string | undefined, c.seed, where);
  if (seed !== undefined) options.seed = parseSeed(seed.from, seed.value);
  if (v.timeout !== undefined) options.timeoutMs = parseTimeout('--timeout', v.timeout as string);
  else if (c.timeout !== undefined) options.timeoutMs = parseTimeout(`${where}timeout`, c.timeout);
  if (v['fail-fast'] === true || c.failFast === true) options.failFast = true;
  if (v['max-failures'] !== undefined) options.maxFailures = parsePositiveInt('--max-failures', v['max-failures'] as string);
  else if (c.maxFailures !== undefined) options.maxFailures = parsePositiveInt(`${where}maxFailures`, c.maxFailures);
  if (v.grep !== undefined) options.grep = parseGrep('--grep', v.grep as string);
  else if (c.grep !== undefined) options.grep = parseGrep(`${where}grep`, c.grep);
  const params = { ...(c.params ?? {}), ...parseParams('--param', (v.param as string[] | undefined) ?? []) };
  if (Object.keys(params).length > 0) options.params = params;
  const impls = { ...parseImpls(`${where}impl`, c.impl ?? {}, base), ...parseImpls('--impl', (v.impl as string[] | undefined) ?? [], process.cwd()) };
  if (Object.keys(impls).length > 0) options.impls = impls;
  if (v['trace-events'] !== undefined) options.traceEvents = parsePositiveInt('--trace-events', v['trace-events'] as string, MAX_TRACE_EVENTS);
  else if (c.traceEvents !== undefined) options.traceEvents = parsePositiveInt(`${where}traceEvents`, c.traceEvents, MAX_TRACE_EVENTS);
  if (v.shard !== undefined) options.shard = parseShard('--shard', v.shard as string);
  const out: CliRun = { options, reporters: reporterSettingsFrom(v) };
  if (v.json !== undefined) out.jsonPath = v.json as string;
  return out;
}

/**
 * The seed and where it came from, so a bad one is blamed on the right place: --seed, then
 * STRESS_SEED, then the config file. An empty STRESS_SEED counts as unset (CI templates often
 * export it empty); an empty --seed or config seed is given on purpose, and parseSeed refuses it.
 */
function seedSource(flag: string | undefined, config: string | undefined, where: string): { value: string; from: string } | undefined {
  if (flag !== undefined) return { value: flag, from: '--seed' };
  const env = process.env.STRESS_SEED;
  if (env !== undefined && env !== '') return { value: env, from: 'STRESS_SEED' };
  if (config !== undefined) return { value: config, from: `${where}seed` };
  return undefined;
}

/** A config file's suite entry: a built-in name (or group) as is, a path resolved against the file's directory. */
function suiteRelativeTo(base: string, ref: string): string {
  return typeof ref !== 'string' || Object.hasOwn(BUILTIN_SUITES, ref) || Object.hasOwn(SUITE_GROUPS, ref) ? ref : resolve(base, ref);
}

/**
 * The one resolve step: flags, environment, config file, stress.it or run() options, a replay
 * token, and the defaults (defaults.ts) become complete settings. Each front end only says what
 * it was given and under which name (a layer); the order of precedence, the parsing of values,
 * the defaults and the source each value came from are decided here, so a bad value is blamed
 * on the place it was written.
 */
import { HarnessError } from '../shared/errors.js';
import { parseShard } from '../plan/shard.js';
import { BUILTIN_SUITES, SUITE_GROUPS } from '../plan/builtin-suites.js';
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { unknownSuiteError } from '../plan/unknown-suite.js';
import { DEFAULT_CORES, DEFAULT_JITTER, DEFAULT_SCHEDULE, DEFAULT_TIME_BUDGET_MS, DEFAULT_TIMEOUT_MS, DEFAULT_TRACE_EVENTS } from './defaults.js';
import { parseCores, parseDuration, parseJobs, parseJobsForAnyMachine, parseGrep, parseJitter, parseParams, parsePositiveInt, parseSchedule, parseSeed, parseThreads, parseTimeout } from './parse.js';
import { parseImpls } from './impls.js';
import { MAX_TRACE_EVENTS, type RunOptions } from './run-options.js';
import { type Source, type SourceKind, sourceLabel } from './source.js';

/** The settings the resolve step decides, in the order their values are checked. */
export const SETTING_KEYS = [
  'suites', 'threads', 'cores', 'jitter', 'schedule', 'runs', 'timeBudgetMs', 'durationMs', 'seed', 'timeoutMs',
  'failFast', 'maxFailures', 'grep', 'params', 'impls', 'traceEvents', 'shard', 'jobs',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** A value as a front end was given it: raw text or data, and the name it was given under. */
export interface Given {
  raw: unknown;
  name: string;
}

/** What one source gave: flags, the environment, a config file, options, a token. */
export interface Layer {
  kind: Exclude<SourceKind, 'default'>;
  values: Partial<Record<SettingKey, Given>>;
  /** A config file's path, named in messages. */
  file?: string;
  /** The directory that relative suite and module paths in this layer start from (default: the working directory). */
  base?: string;
  /** The values are already checked and typed (run()'s options, by checkRunOptions): taken as they are. */
  checked?: boolean;
}

/** Settings with every default filled in; seed stays unset when none was given (the run draws one). */
export type CompleteRunOptions = RunOptions & Required<Pick<RunOptions, 'cores' | 'jitter' | 'schedule' | 'timeBudgetMs' | 'timeoutMs' | 'traceEvents' | 'failFast' | 'jobs'>>;

export interface Resolved {
  options: CompleteRunOptions;
  /** Where each setting came from (defaults included; unset settings have none). */
  sources: Partial<Record<SettingKey, Source>>;
  /** Values taken other than as written, said on stderr before anything runs (a config file's jobs above the CPUs). */
  warnings: string[];
}

/** Defaults a front end may set differently (stress.it runs for seconds, not a minute). */
export interface DefaultOverrides {
  timeBudgetMs?: number;
  /** `stress run` uses the whole machine ('auto'); run() and stress.it one group at a time. */
  jobs?: number | 'auto';
}

type Parser = (label: string, raw: unknown, base: string | undefined, warnings: string[], kind: Layer['kind']) => unknown;

/**
 * Where a jobs value above this machine's CPUs is clamped (with a warning) rather than refused:
 * a config file (or a STRESS_* variable of a CI pool; none sets jobs today) is written once for
 * every machine it runs on. A flag, an option or a token asks this machine for something it
 * cannot give: an error.
 */
const JOBS_CLAMPED_FROM: ReadonlySet<Layer['kind']> = new Set(['config', 'env']);

/** How each setting's raw value is read; every parser's message starts with the label it is given. */
const PARSERS: Record<SettingKey, Parser> = {
  suites: (label, raw, base) => (raw as string[]).map((ref) => (base === undefined ? ref : suiteRelativeTo(label, base, ref))),
  threads: (label, raw) => parseThreads(label, raw as string | number[]),
  cores: (label, raw) => parseCores(label, raw as string | Array<number | string>),
  jitter: (label, raw) => parseJitter(label, raw as string | string[]),
  schedule: (label, raw) => parseSchedule(label, raw as string | string[]),
  runs: (label, raw) => parsePositiveInt(label, raw as string | number),
  timeBudgetMs: (label, raw) => parseDuration(label, raw as string | number),
  durationMs: (label, raw) => parseDuration(label, raw as string | number),
  seed: (label, raw) => parseSeed(label, raw as string | number),
  timeoutMs: (label, raw) => parseTimeout(label, raw as string | number),
  failFast: (_label, raw) => raw === true,
  maxFailures: (label, raw) => parsePositiveInt(label, raw as string | number),
  grep: (label, raw) => parseGrep(label, raw as string),
  params: (label, raw) => (Array.isArray(raw) ? parseParams(label, raw as string[]) : raw),
  impls: (label, raw, base) => parseImpls(label, raw as string[] | Record<string, string>, base ?? process.cwd()),
  traceEvents: (label, raw) => parsePositiveInt(label, raw as string | number, MAX_TRACE_EVENTS),
  shard: (label, raw) => parseShard(label, raw as string),
  jobs: (label, raw, _base, warnings, kind) => {
    if (!JOBS_CLAMPED_FROM.has(kind)) return parseJobs(label, raw as string | number);
    const { jobs, warning } = parseJobsForAnyMachine(label, raw as string | number);
    if (warning !== undefined) warnings.push(warning);
    return jobs;
  },
};

/** Settings whose values add up over the layers (a --param adds to the config's params), the first layer winning per name. */
const MERGED: ReadonlySet<SettingKey> = new Set(['params', 'impls']);

/** `layers` in order of precedence, the first winning: e.g. flags, environment, config file. */
export function resolveSettings(layers: Layer[], overrides: DefaultOverrides = {}): Resolved {
  const values: Partial<Record<SettingKey, unknown>> = {};
  const sources: Partial<Record<SettingKey, Source>> = {};
  const warnings: string[] = [];
  for (const key of SETTING_KEYS) {
    const found = MERGED.has(key) ? merged(key, layers, warnings) : first(key, layers, warnings);
    if (found !== undefined) {
      values[key] = found.value;
      sources[key] = found.source;
    }
    if (key === 'durationMs') soakTakesNoRuns(values, sources);
  }
  const defaults: Partial<Record<SettingKey, unknown>> = {
    cores: [...DEFAULT_CORES],
    jitter: [...DEFAULT_JITTER],
    schedule: [...DEFAULT_SCHEDULE],
    timeBudgetMs: overrides.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS,
    timeoutMs: DEFAULT_TIMEOUT_MS,
    traceEvents: DEFAULT_TRACE_EVENTS,
    failFast: false,
    jobs: overrides.jobs ?? 1,
  };
  for (const [key, value] of Object.entries(defaults) as Array<[SettingKey, unknown]>) {
    if (values[key] !== undefined) continue;
    values[key] = value;
    sources[key] = { kind: 'default', name: key };
  }
  return { options: values as CompleteRunOptions, sources, warnings };
}

function sourceOf(layer: Layer, given: Given): Source {
  return { kind: layer.kind, name: given.name, ...(layer.file !== undefined ? { file: layer.file } : {}) };
}

function read(key: SettingKey, layer: Layer, given: Given, warnings: string[]): { value: unknown; source: Source } {
  const source = sourceOf(layer, given);
  const value = layer.checked === true ? given.raw : PARSERS[key](sourceLabel(source), given.raw, layer.base, warnings, layer.kind);
  return { value, source };
}

function first(key: SettingKey, layers: Layer[], warnings: string[]): { value: unknown; source: Source } | undefined {
  for (const layer of layers) {
    const given = layer.values[key];
    if (given !== undefined && given.raw !== undefined) return read(key, layer, given, warnings);
  }
  return undefined;
}

/**
 * Lowest precedence first, so a name given again by a stronger layer replaces the weaker one's.
 * The source is the strongest layer's. One layer's value is taken as it is (run() checks it).
 */
function merged(key: SettingKey, layers: Layer[], warnings: string[]): { value: unknown; source: Source } | undefined {
  const parts: Array<{ value: unknown; source: Source }> = [];
  for (const layer of [...layers].reverse()) {
    const given = layer.values[key];
    if (given !== undefined && given.raw !== undefined) parts.push(read(key, layer, given, warnings));
  }
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0]!;
  const value = parts.reduce<Record<string, unknown>>((all, p) => ({ ...all, ...(p.value as Record<string, unknown>) }), {});
  return Object.keys(value).length === 0 ? undefined : { value, source: parts[parts.length - 1]!.source };
}

/** A soak runs for a time: with runs as well, sliced shards would run past their own trials. */
function soakTakesNoRuns(values: Partial<Record<SettingKey, unknown>>, sources: Partial<Record<SettingKey, Source>>): void {
  if (values.durationMs === undefined || values.runs === undefined) return;
  throw new HarnessError('ERR_USAGE', `${sourceLabel(sources.durationMs!)}: a soak runs for a time, not a number of trials; drop runs (time budget sets the length of one pass)`);
}

/**
 * A config file's suite entry: a built-in name (or group) as is, a path resolved against the file's
 * directory. A path to nothing is refused here, where the name as written and the file are known.
 */
function suiteRelativeTo(label: string, base: string, ref: string): string {
  if (typeof ref !== 'string' || Object.hasOwn(BUILTIN_SUITES, ref) || Object.hasOwn(SUITE_GROUPS, ref)) return ref;
  const path = resolvePath(base, ref);
  if (!existsSync(path)) throw unknownSuiteError(ref, { label, path });
  return path;
}

/** The environment as a layer: STRESS_SEED, unless empty (CI templates often export it empty). */
export function envLayer(env: Readonly<Record<string, string | undefined>> = process.env): Layer {
  const seed = env.STRESS_SEED;
  return { kind: 'env', values: seed !== undefined && seed !== '' ? { seed: { raw: seed, name: 'STRESS_SEED' } } : {} };
}

/** run()'s options as a layer: checked by checkRunOptions, so taken as they are. */
export function optionsLayer(options: RunOptions): Layer {
  const values: Layer['values'] = {};
  for (const key of SETTING_KEYS) {
    if (options[key] !== undefined) values[key] = { raw: options[key], name: key };
  }
  return { kind: 'option', values, checked: true };
}

/** run()'s options with every default filled in (the resolve step with one layer). */
export function withDefaults<T extends RunOptions>(options: T): T & CompleteRunOptions {
  return { ...options, ...resolveSettings([optionsLayer(options)]).options };
}

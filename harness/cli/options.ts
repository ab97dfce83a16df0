/** `stress run` and `stress list`: flags, environment and config file -> complete, checked RunOptions. */
import { parseArgs } from 'node:util';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { type ConfigFile, loadConfigFile } from '../core/settings/config-file.js';
import { type CompleteRunOptions, envLayer, type Layer, resolveSettings, type SettingKey } from '../core/settings/resolve.js';
import type { Source } from '../core/settings/source.js';
import { HarnessError } from '../core/shared/errors.js';
import { didYouMean } from '../core/shared/closest-name.js';
import { REPORTER_FLAGS, type ReporterSettings, refuseRepeatedReporterOptions, reporterSettingsFrom } from './reporter-flags.js';
import { parseReporterSpec, type ReporterSpec } from './reporter-spec.js';

export const RUN_FLAGS = {
  threads: { type: 'string' },
  cores: { type: 'string' },
  jitter: { type: 'string' },
  schedule: { type: 'string' },
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
  jobs: { type: 'string' },
  ...REPORTER_FLAGS,
  verbose: { type: 'boolean' },
} as const;

export interface CliRun {
  options: CompleteRunOptions;
  /** Where each setting came from. */
  sources: Partial<Record<SettingKey, Source>>;
  /** Settings taken other than as written (a config file's jobs above the CPUs): said on stderr. */
  warnings: string[];
  jsonPath?: string;
  reporters: ReporterSettings;
  /** The config file the run read, if any (no report may be written over it). */
  configPath?: string;
}

export function parseFlags(
  argv: string[],
  flags: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>,
  command = 'run',
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const { values, positionals, tokens } = parseArgs({ args: argv, options: flags, allowPositionals: true, strict: true, tokens: true });
    refuseRepeatedFlags(tokens, flags);
    return { values: values, positionals };
  } catch (err) {
    if (err instanceof HarnessError) throw err;
    // Node's parseArgs messages can span lines ("--threads -1" is "ambiguous" plus two hints): errors stay one line.
    const message = (err as Error).message.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
    // An unknown flag: the closest known one, as git and npm suggest.
    const unknown = (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(--?[^']+)'/.exec(message)?.[1] : undefined;
    if (unknown !== undefined) {
      const flag = unknown.replace(/=.*$/, '');
      throw new HarnessError('ERR_USAGE', `unknown flag ${flag}${didYouMean(flag, Object.keys(flags).map((f) => `--${f}`))} (see stress ${command} --help)`);
    }
    throw new HarnessError('ERR_USAGE', `${message} (see stress ${command} --help)`);
  }
}

/**
 * A single-valued flag given twice is a usage error naming both values. parseArgs keeps the last,
 * so `--threads 1 --threads 2` ran threads 2 only and `--shard 1/3 --shard 2/3` shard 2: a reading
 * the user may not have meant, chosen silently. (To combine values, list them: `--threads 1,2`; to
 * override a config file, a flag is enough.)
 */
function refuseRepeatedFlags(tokens: ReturnType<typeof parseArgs>['tokens'], flags: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>): void {
  const given = new Map<string, string>();
  for (const t of tokens ?? []) {
    // A boolean twice (`--fail-fast --fail-fast`) asks for the same thing twice: harmless.
    if (t.kind !== 'option' || flags[t.name]?.multiple === true || flags[t.name]?.type === 'boolean') continue;
    const shown = t.value === undefined ? t.rawName : `${t.rawName} ${t.value}`;
    const first = given.get(t.name);
    if (first !== undefined) throw new HarnessError('ERR_USAGE', `--${t.name} is given twice (${first}, then ${shown}); give it once (a list flag takes a comma list: --threads 1,2)`);
    given.set(t.name, shown);
  }
}

/** The run flags' names by setting (the rest of RUN_FLAGS are reporters, --config and --json). */
const FLAG_OF: Partial<Record<SettingKey, string>> = {
  threads: 'threads',
  cores: 'cores',
  jitter: 'jitter',
  schedule: 'schedule',
  runs: 'runs',
  timeBudgetMs: 'time-budget',
  durationMs: 'duration',
  seed: 'seed',
  timeoutMs: 'timeout',
  failFast: 'fail-fast',
  maxFailures: 'max-failures',
  grep: 'grep',
  params: 'param',
  impls: 'impl',
  traceEvents: 'trace-events',
  shard: 'shard',
  jobs: 'jobs',
};

/** The config file's keys by setting: the same settings as the flags, flags win. */
const CONFIG_KEY_OF: Record<SettingKey, keyof ConfigFile> = {
  suites: 'suites',
  threads: 'threads',
  cores: 'cores',
  jitter: 'jitter',
  schedule: 'schedule',
  runs: 'runs',
  timeBudgetMs: 'timeBudget',
  durationMs: 'duration',
  seed: 'seed',
  timeoutMs: 'timeout',
  failFast: 'failFast',
  maxFailures: 'maxFailures',
  grep: 'grep',
  params: 'params',
  impls: 'impl',
  traceEvents: 'traceEvents',
  jobs: 'jobs',
  shard: 'shard',
};

function flagLayer(v: Record<string, unknown>, positionals: string[]): Layer {
  const values: Layer['values'] = {};
  if (positionals.length > 0) values.suites = { raw: positionals, name: 'suite arguments' };
  for (const [key, flag] of Object.entries(FLAG_OF) as Array<[SettingKey, string]>) {
    // --fail-fast cannot say false: absent, the config file decides.
    if (v[flag] !== undefined && !(key === 'failFast' && v[flag] !== true)) values[key] = { raw: v[flag], name: `--${flag}` };
  }
  return { kind: 'flag', values };
}

function configLayer(file: { path: string; config: ConfigFile }): Layer {
  const values: Layer['values'] = {};
  for (const [key, name] of Object.entries(CONFIG_KEY_OF) as Array<[SettingKey, keyof ConfigFile]>) {
    if (file.config[name] !== undefined) values[key] = { raw: file.config[name], name };
  }
  // Paths in the config file are relative to the file (suites and impl modules alike).
  return { kind: 'config', values, file: file.path, base: dirname(file.path) };
}

/**
 * The run flags, STRESS_SEED and the config file, resolved (core/settings/resolve.ts): flags win,
 * then the environment, then the config file, then the defaults. `command` names the help an
 * unknown flag points to: `stress list` takes the run flags too.
 */
export async function runOptionsFrom(argv: string[], command = 'run'): Promise<CliRun> {
  const { values: v, positionals } = parseFlags(argv, RUN_FLAGS, command);
  refuseRepeatedReporterOptions(v);
  const file = await loadConfigFile(v.config as string | undefined);
  const layers = [flagLayer(v, positionals), envLayer(), ...(file !== null ? [configLayer(file)] : [])];
  // The CLI is the machine's main job (a CI runner, a nightly soak): it uses every core by default.
  const { options, sources, warnings } = resolveSettings(layers, { jobs: 'auto' });
  // A flaky encoding from the file (no --junit-flaky given) is named as the file's key in warnings.
  const flakyFromFile = file !== null && v['junit-flaky'] === undefined && file.config.junitFlaky !== undefined ? `${file.path}: junitFlaky ${file.config.junitFlaky}` : undefined;
  const reporters = file !== null ? reporterSettingsFrom(withConfigReporterFlags(v, file), configReporterSpecs(file), flakyFromFile) : reporterSettingsFrom(v);
  const out: CliRun = { options, sources, warnings, reporters, ...(file !== null ? { configPath: file.path } : {}) };
  if (v.json !== undefined) out.jsonPath = v.json as string;
  return out;
}

/**
 * The reporter flags, with the config file's `junitFlaky` and `reporterOptions` where the command
 * line gives none (flags win, as for every setting).
 */
function withConfigReporterFlags(v: Record<string, unknown>, file: { path: string; config: ConfigFile }): Record<string, unknown> {
  const { junitFlaky, reporterOptions } = file.config;
  const out = { ...v };
  if (out['junit-flaky'] === undefined && junitFlaky !== undefined) out['junit-flaky'] = junitFlaky;
  if (reporterOptions !== undefined) {
    const given = (out['reporter-option'] as string[] | undefined) ?? [];
    // The file's first: a flag with the same key comes later and wins.
    out['reporter-option'] = [...Object.entries(reporterOptions).map(([k, value]) => `${k}=${value}`), ...given];
  }
  return out;
}

/**
 * The config file's `reporters` (used when no --reporter flag is given), each labelled with the
 * file and its index so an error points there. A reporter module and a report file named in the
 * config are relative to the config file, like its suites; `-` stays stdout.
 */
function configReporterSpecs(file: { path: string; config: ConfigFile }): ReporterSpec[] {
  const base = dirname(file.path);
  const at = (path: string): string => (path === '-' || isAbsolute(path) ? path : resolve(base, path));
  return (file.config.reporters ?? []).map((raw, i) => {
    const spec = parseReporterSpec(raw, `${basename(file.path)} "reporters"[${i}]`);
    // A custom reporter's target is its own business (not necessarily a path): left as written.
    if (spec.kind === 'module') return { ...spec, path: at(spec.path) };
    return spec.target !== undefined && spec.target !== '' ? { ...spec, target: at(spec.target) } : spec;
  });
}

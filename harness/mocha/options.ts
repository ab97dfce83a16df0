/**
 * `stress.it` options, validated up front (a typo should fail the spec file at
 * load time, not minutes into a run), and the mocha timeout they imply.
 */
import { MAX_RECOVERIES } from '../core/execute/executor.js';
import { HarnessError } from '../core/shared/errors.js';
import { DEFAULT_MOCHA_TIME_BUDGET_MS } from '../core/settings/defaults.js';
import { type RunOptions } from '../core/settings/run-options.js';
import { envLayer, type Layer, resolveSettings, type SettingKey } from '../core/settings/resolve.js';
import type { Params } from '../suite-api.js';

export interface StressItOptions {
  /** Thread counts; default: the suite's own. */
  threads?: number[];
  /** Jitter profiles; default `none, spin-1us`. */
  jitter?: string[];
  /** Cores per configuration (`taskset`, Linux); default `all`. */
  cores?: Array<'all' | number>;
  /**
   * The schedule axis: `free` (free-running stress), `ctl`, `random`, `pct:D` (controlled, once per
   * variant and thread count, at cores all and jitter none); default as `stress run`'s.
   */
  schedule?: string[];
  /** Wall time for all configurations, e.g. '5s' or 5000 (ms). Default 5 s unless `runs` is given. */
  timeBudget?: string | number;
  /** Trials per configuration instead of a time budget. */
  runs?: number;
  /** Per configuration, stop once this many trials have failed (a cap on `runs` that ends early on detection). */
  maxFailures?: number;
  /** Master seed; default STRESS_SEED, else random (printed in failures). */
  seed?: string;
  /** Per-trial hang timeout, e.g. '500ms'; default 1 s. */
  trialTimeout?: string | number;
  /** Suite parameter overrides. */
  params?: Params;
  /** Variants to test; default every variant that is not a canary. */
  variants?: string[];
  /** Also run the suite's canaries: one test each, passing when the planted bug is caught. */
  canaries?: boolean;
  /**
   * Mocha timeout for the run, in ms; default: the time budget plus a margin for hangs and start-up.
   * A larger mocha timeout (`--timeout`) wins, and `--timeout 0` (no timeout, for debugging) is kept.
   */
  timeout?: number;
}

/** Worker start-up, suite import and the last batch overrunning its slice. */
const FIXED_MARGIN_MS = 10_000;
/** Each configuration may overrun its slice by up to MAX_RECOVERIES hangs, each a timeout plus a new worker group. */
const PER_HANG_OVERHEAD_MS = 500;

export interface Normalized {
  run: Omit<RunOptions, 'suites' | 'grep' | 'signal' | 'failFast'> & Required<Pick<RunOptions, 'jitter' | 'cores' | 'schedule' | 'timeoutMs'>>;
  variants?: string[];
  canaries: boolean;
  timeBudgetMs: number | undefined;
  trialTimeoutMs: number;
  explicitTimeout: number | undefined;
  /** The seed came from the `seed` option (which STRESS_SEED does not override). */
  seedFromOption: boolean;
}

const KNOWN = new Set(['threads', 'jitter', 'cores', 'schedule', 'timeBudget', 'runs', 'maxFailures', 'seed', 'trialTimeout', 'params', 'variants', 'canaries', 'timeout']);

/** stress.it's options by setting: named as the user wrote them, so messages name them. */
const OPTION_OF: Partial<Record<SettingKey, keyof StressItOptions>> = {
  threads: 'threads',
  jitter: 'jitter',
  cores: 'cores',
  schedule: 'schedule',
  runs: 'runs',
  maxFailures: 'maxFailures',
  timeBudgetMs: 'timeBudget',
  seed: 'seed',
  timeoutMs: 'trialTimeout',
  params: 'params',
};

function optionLayer(o: StressItOptions): Layer {
  const values: Layer['values'] = {};
  for (const [key, name] of Object.entries(OPTION_OF) as Array<[SettingKey, keyof StressItOptions]>) {
    if (o[name] !== undefined) values[key] = { raw: o[name], name };
  }
  return { kind: 'option', values };
}

export function normalize(o: StressItOptions, env: NodeJS.ProcessEnv = process.env): Normalized {
  for (const k of Object.keys(o)) {
    if (!KNOWN.has(k)) throw new HarnessError('ERR_USAGE', `stress.it: unknown option ${JSON.stringify(k)}; expected one of ${[...KNOWN].join(', ')}`);
  }
  const { options, sources } = resolveSettings([optionLayer(o), envLayer(env)], { timeBudgetMs: DEFAULT_MOCHA_TIME_BUDGET_MS });
  const { suites: _suites, grep: _grep, failFast: _failFast, ...run } = options;
  // Bounded by runs alone (no timeBudget given), the run has no budget to size mocha's timeout by.
  const timeBudgetMs = o.runs !== undefined && o.timeBudget === undefined ? undefined : run.timeBudgetMs;
  const trialTimeoutMs = run.timeoutMs;
  if (o.variants !== undefined && (!Array.isArray(o.variants) || o.variants.length === 0 || !o.variants.every((v) => typeof v === 'string'))) {
    throw new HarnessError('ERR_USAGE', 'stress.it: variants must be a non-empty array of variant names');
  }
  if (o.timeout !== undefined && !(Number.isFinite(o.timeout) && o.timeout >= 0)) {
    throw new HarnessError('ERR_USAGE', `stress.it: timeout must be a number of ms, got ${JSON.stringify(o.timeout)}`);
  }
  return {
    run,
    ...(o.variants !== undefined ? { variants: o.variants } : {}),
    canaries: o.canaries === true,
    timeBudgetMs,
    trialTimeoutMs,
    explicitTimeout: o.timeout,
    seedFromOption: sources.seed?.kind === 'option',
  };
}

/**
 * The mocha timeout for a run of `configs` configurations: the budget, plus
 * what a configuration may legitimately overrun it by. Undefined (keep
 * mocha's) when the run is bounded by `runs` and no timeout was given.
 */
export function mochaTimeoutFor(n: Normalized, configs: number): number | undefined {
  if (n.explicitTimeout !== undefined) return n.explicitTimeout;
  if (n.timeBudgetMs === undefined || n.run.runs !== undefined) return undefined;
  return n.timeBudgetMs + FIXED_MARGIN_MS + configs * MAX_RECOVERIES * (n.trialTimeoutMs + PER_HANG_OVERHEAD_MS);
}

/**
 * The timeout to set on the block, given stress.it's own (`limit`) and the one the block inherits
 * from mocha (`--timeout`, default 2 s): undefined keeps the inherited one. 0 means no timeout, on
 * either side, and wins (a user debugging with `--timeout 0` wants no timeout); else the larger.
 */
export function blockTimeout(limit: number | undefined, inherited: number): number | undefined {
  if (limit === undefined) return undefined;
  if (limit === 0 || inherited === 0) return 0;
  return Math.max(limit, inherited);
}

/** Abort the run this long before mocha's timeout, so its workers are gone before mocha moves on. */
const ABORT_AHEAD_MS = 1500;

/**
 * When to abort a run whose hook has a timeout of `timeoutMs` (0: none, never abort): ABORT_AHEAD_MS
 * before it, or at half of a short timeout (mocha's default 2 s), so the run has time to stop.
 */
export function abortAfter(timeoutMs: number): number | undefined {
  if (timeoutMs === 0) return undefined;
  return timeoutMs - Math.min(ABORT_AHEAD_MS, timeoutMs / 2);
}

/**
 * Configurations the block plans (as plan.ts does): per variant and thread count, cores x jitter
 * free-running ones if `free` is on the schedule axis, and one per controlled schedule.
 */
export function countConfigs(variantThreads: number[][], n: Normalized): number {
  const free = n.run.schedule.includes('free') ? n.run.jitter.length * n.run.cores.length : 0;
  const controlled = n.run.schedule.filter((s) => s !== 'free').length;
  return variantThreads.reduce((sum, t) => sum + (n.run.threads ?? t).length, 0) * (free + controlled);
}

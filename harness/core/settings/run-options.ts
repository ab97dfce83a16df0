/**
 * The programmatic API checks its options the way the CLI checks its flags:
 * a mocha spec or script passing `threads: [0]` or `runs: 0` gets an
 * ERR_USAGE naming the option and what was expected, not a vacuous pass of
 * zero trials or a raw error from deep inside (taskset, worker pools).
 */
import { HarnessError } from '../shared/errors.js';
import { runCpus } from '../shared/cpus.js';
import { MAX_SHARDS, type Shard } from '../plan/shard.js';
import type { Params } from '../../suite-api.js';
import type { JitterName } from '../execute/jitter.js';
import { SCHEDULE_VALUES_TEXT, scheduleNameProblem } from '../plan/schedule-axis.js';

export interface RunOptions {
  suites?: string[];
  threads?: number[];
  cores?: Array<'all' | number>;
  /** Jitter profiles by name (JITTER_PROFILES); a name that is none is a usage error at run time. */
  jitter?: JitterName[];
  /**
   * The schedule axis: `free` (free-running stress), `ctl` (the controlled portfolio), `random`,
   * `pct:D` (D from 1 to 10). Controlled schedules are planned once per suite, variant and threads,
   * at cores 'all' and jitter 'none'. Default: defaults.ts DEFAULT_SCHEDULE.
   */
  schedule?: string[];
  /** Trials per configuration. Takes precedence over timeBudgetMs. */
  runs?: number;
  /** Wall time for the whole matrix, spread evenly over its configurations (with durationMs: the length of one pass). */
  timeBudgetMs?: number;
  /** Soak: repeat passes over the matrix until this much wall time is up (see soak.ts). */
  durationMs?: number;
  seed?: string;
  /** Per-trial hang timeout in ms. */
  timeoutMs?: number;
  failFast?: boolean;
  /** Per configuration: stop once this many trials have failed (a detection is enough; saves time on canaries). */
  maxFailures?: number;
  /** Heap limit of each trial worker in MB (default 1024). */
  workerHeapMb?: number;
  grep?: string;
  params?: Params;
  /** Conformance suites: implementation module URL by kind (`--impl lock=./x.js`). */
  impls?: Record<string, string>;
  traceEvents?: number;
  /** Run only this shard's part of the plan (see shard.ts). */
  shard?: Shard;
  /**
   * Trial groups side by side, each on cores of its own (parallel/parallel-run.ts): at most this
   * many, never more trial threads than cores. 'auto': as many as fit. Default 1 for run() and
   * stress.it (they share the machine with their caller), 'auto' for `stress run`.
   */
  jobs?: number | 'auto';
  signal?: AbortSignal;
}

/** The settings that shaped a run but are not in its results: reporters and result files record them. */
export interface RunSettings {
  runs?: number;
  timeBudgetMs?: number;
  /** Per configuration: stopped once this many trials failed (shards merged together must agree). */
  maxFailures?: number;
  /** Soak runs: their whole length. */
  durationMs?: number;
  timeoutMs: number;
  traceEvents: number;
  shard?: Shard;
  /** A --jobs run: the most trial groups it ran side by side (absent: one at a time). */
  jobs?: number;
}

/** More threads than this in one trial is almost surely a typo (each is a worker thread). The CLI checks the same limits. */
export const MAX_THREADS = 256;
/** Core counts beyond any machine's. */
export const MAX_CORES = 4096;
/** Trace events kept per thread of a failing trial. */
export const MAX_TRACE_EVENTS = 4096;

function positiveInts(name: string, value: unknown, max: number): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length === 0) throw usage(name, `a non-empty array of integers from 1 to ${max}`, value);
  for (const v of value) if (!isIntIn(v, 1, max)) throw usage(name, `integers from 1 to ${max}`, v);
  noRepeats(name, value);
}

/** `threads: [2, 2]` would plan one configuration twice: name the repeated value, not a suite clash. */
function noRepeats(name: string, values: unknown[]): void {
  const repeated = values.find((v, i) => values.indexOf(v) !== i);
  if (repeated !== undefined) throw new HarnessError('ERR_USAGE', `run(): ${name} lists ${JSON.stringify(repeated)} twice; list each value once`);
}

function positiveInt(name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): void {
  if (value !== undefined && !isIntIn(value, 1, max)) throw usage(name, `an integer from 1 to ${max}`, value);
}

function positiveMs(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))) throw usage(name, 'a finite number of milliseconds > 0', value);
}

/**
 * Why a suite parameter cannot be called `name`, or undefined if it can. A name that every
 * object inherits (`constructor`, `toString`, `__proto__`) would be read from Object.prototype
 * when not given, and `__proto__` would not even be set: such a parameter cannot work.
 */
export function paramNameProblem(name: string): string | undefined {
  if (name in Object.prototype) return `${JSON.stringify(name)} is not a usable parameter name (every JavaScript object already has a member of that name); rename the parameter`;
  return undefined;
}

function isIntIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function usage(name: string, expected: string, got: unknown): HarnessError {
  return new HarnessError('ERR_USAGE', `run(): ${name} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`);
}

export function checkRunOptions(o: RunOptions): void {
  positiveInts('threads', o.threads, MAX_THREADS);
  if (o.cores !== undefined) {
    if (!Array.isArray(o.cores) || o.cores.length === 0) throw usage('cores', "a non-empty array of core counts or 'all'", o.cores);
    for (const c of o.cores) if (c !== 'all' && !isIntIn(c, 1, MAX_CORES)) throw usage('cores', `core counts from 1 to ${MAX_CORES} or 'all'`, c);
    noRepeats('cores', o.cores);
  }
  if (o.jitter !== undefined && (!Array.isArray(o.jitter) || o.jitter.length === 0)) throw usage('jitter', 'a non-empty array of jitter profile names', o.jitter);
  if (o.jitter !== undefined) noRepeats('jitter', o.jitter);
  if (o.schedule !== undefined) {
    if (!Array.isArray(o.schedule) || o.schedule.length === 0) throw usage('schedule', `a non-empty array of ${SCHEDULE_VALUES_TEXT}`, o.schedule);
    for (const name of o.schedule) {
      const problem = scheduleNameProblem(name);
      if (problem !== undefined) throw new HarnessError('ERR_USAGE', `run(): schedule: ${problem}`);
    }
    noRepeats('schedule', o.schedule);
  }
  if (o.jobs !== undefined && o.jobs !== 'auto') {
    const cores = runCpus().length;
    if (!isIntIn(o.jobs, 1, cores)) throw usage('jobs', `'auto' or an integer from 1 to ${cores} (the CPUs this process may use)`, o.jobs);
  }
  positiveInt('runs', o.runs);
  positiveInt('maxFailures', o.maxFailures);
  positiveInt('workerHeapMb', o.workerHeapMb, 1 << 20);
  positiveInt('traceEvents', o.traceEvents, MAX_TRACE_EVENTS);
  positiveMs('timeBudgetMs', o.timeBudgetMs);
  positiveMs('durationMs', o.durationMs);
  positiveMs('timeoutMs', o.timeoutMs);
  // A soak runs for a time; with runs, sliced shards would also run past their own trials.
  if (o.durationMs !== undefined && o.runs !== undefined) throw new HarnessError('ERR_USAGE', 'run(): durationMs (a soak) runs for a time, not a number of trials: drop runs (timeBudgetMs sets the length of one pass)');
  if (o.shard !== undefined) {
    const s = o.shard as unknown as { index?: unknown; total?: unknown } | null;
    if (s === null || typeof s !== 'object' || !isIntIn(s.total, 1, MAX_SHARDS) || !isIntIn(s.index, 1, typeof s.total === 'number' ? s.total : 0)) {
      throw usage('shard', `{ index, total } with 1 <= index <= total <= ${MAX_SHARDS}`, o.shard);
    }
  }
  if (o.seed !== undefined && (typeof o.seed !== 'string' || o.seed.length === 0)) throw usage('seed', 'a non-empty string', o.seed);
  if (o.params !== undefined) {
    if (typeof o.params !== 'object' || o.params === null || Array.isArray(o.params)) throw usage('params', 'an object of name: value', o.params);
    for (const name of Object.keys(o.params)) {
      const problem = paramNameProblem(name);
      if (problem !== undefined) throw new HarnessError('ERR_USAGE', `run(): params: ${problem}`);
    }
  }
  if (o.suites !== undefined && (!Array.isArray(o.suites) || o.suites.some((s) => typeof s !== 'string'))) throw usage('suites', 'an array of suite names or module paths', o.suites);
}

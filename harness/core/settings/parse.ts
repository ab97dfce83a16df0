/**
 * A setting's raw value (flag text, config file data, a stress.it option) -> its checked value.
 * Every message starts with the label it is given (the flag, option or config key: resolve.ts
 * names the source), then the bad value and what was expected; errors carry ERR_USAGE.
 */
import { HarnessError } from '../shared/errors.js';
import { jitterNameProblem } from '../execute/jitter.js';
import { runCpus } from '../shared/cpus.js';
import type { Params } from '../../suite-api.js';
import { MAX_CORES, MAX_THREADS, paramNameProblem } from './run-options.js';
import { isScheduleName, SCHEDULE_VALUES_TEXT, scheduleNameProblem } from '../plan/schedule-axis.js';
import type { ScheduleName } from '../schedule/types.js';

export { MAX_THREADS };

function usage(message: string): HarnessError {
  return new HarnessError('ERR_USAGE', message);
}

export function parseList(flag: string, raw: string): string[] {
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw usage(`${flag}: empty item in ${JSON.stringify(raw)}; expected a comma-separated list`);
  return items;
}

/**
 * A value given twice (`--threads 2,2`) would plan the same configuration twice; say so here,
 * naming the value, rather than let the plan blame two suites for the clash.
 */
function noRepeats<T>(flag: string, items: T[]): T[] {
  const seen = new Set<T>();
  for (const item of items) {
    if (seen.has(item)) throw usage(`${flag}: ${JSON.stringify(item)} is given twice; list each value once`);
    seen.add(item);
  }
  return items;
}

export function parseThreads(flag: string, raw: string | number[]): number[] {
  const items = Array.isArray(raw) ? raw.map(String) : parseList(flag, raw);
  return noRepeats(flag, items.map((s) => {
    const n = Number(s);
    if (!/^\d+$/.test(s) || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
      throw usage(`${flag}: ${JSON.stringify(s)} is not a thread count; expected whole numbers from 1 to ${MAX_THREADS}, e.g. 2,4,8`);
    }
    return n;
  }));
}

export function parseCores(flag: string, raw: string | Array<number | string>): Array<'all' | number> {
  const items = Array.isArray(raw) ? raw.map(String) : parseList(flag, raw);
  return noRepeats(flag, items.map((s) => {
    if (s === 'all') return 'all';
    const n = Number(s);
    if (!/^\d+$/.test(s) || n < 1 || n > MAX_CORES) throw usage(`${flag}: ${JSON.stringify(s)} is not a core count; expected whole numbers >= 1 or "all", e.g. 1,all`);
    return n;
  }));
}

/** jitter.ts decides which names are profiles; here its refusal is a usage error naming the flag. */
export function parseJitter(flag: string, raw: string | string[]): string[] {
  const items = Array.isArray(raw) ? raw : parseList(flag, raw);
  for (const j of items) {
    const problem = jitterNameProblem(j);
    if (problem !== undefined) throw usage(`${flag}: ${problem}`);
  }
  return noRepeats(flag, items);
}

/** The schedule axis: `free,ctl`, `pct:3`; schedule-axis.ts decides which names are schedules. */
export function parseSchedule(flag: string, raw: string | string[]): ScheduleName[] {
  const items = Array.isArray(raw) ? raw : parseList(flag, raw);
  if (items.length === 0) throw usage(`${flag}: no schedule given; expected a list of ${SCHEDULE_VALUES_TEXT}`);
  const names: ScheduleName[] = [];
  for (const item of items) {
    if (!isScheduleName(item)) throw usage(`${flag}: ${scheduleNameProblem(item) ?? 'not a schedule'}`);
    names.push(item);
  }
  return noRepeats(flag, names);
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * "500ms", "30s", "2m", "1h"; a number (config file, API) is milliseconds. Text needs its unit:
 * `--time-budget 5` read as 5 ms would run almost nothing and pass, while the user meant 5 s.
 */
export function parseDuration(flag: string, raw: string | number): number {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || raw <= 0) throw usage(`${flag}: ${raw} is not a duration; expected a positive number of ms or e.g. 30s`);
    return raw;
  }
  const text = raw.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    throw usage(`${flag}: ${JSON.stringify(raw)} has no unit; write ${text}s for seconds or ${text}ms for milliseconds (units: ms, s, m, h)`);
  }
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  const value = m === null ? NaN : Number(m[1]) * UNITS[m[2]!]!;
  if (m === null || !(value > 0)) throw usage(`${flag}: ${JSON.stringify(raw)} is not a duration; expected e.g. 500ms, 30s, 2m, 1h`);
  return value;
}

/**
 * The longest per-trial hang timeout: a day. A trial that makes no progress for longer is hung by
 * any measure, and the deadlines derived from it (10 timeouts for prepare(), the main-thread
 * watchdog) stay within what a Node timer can hold (about 24.8 days).
 */
export const MAX_TRIAL_TIMEOUT_MS = 24 * 3_600_000;

/** `--timeout` and the config's `timeout`: a duration of at most MAX_TRIAL_TIMEOUT_MS. */
export function parseTimeout(flag: string, raw: string | number): number {
  const ms = parseDuration(flag, raw);
  if (ms > MAX_TRIAL_TIMEOUT_MS) throw usage(`${flag}: ${JSON.stringify(raw)} is longer than the longest trial timeout, 24h; expected e.g. 1s, 30s, 10m`);
  return ms;
}

export function parsePositiveInt(flag: string, raw: string | number, max = 1e9): number {
  const s = String(raw);
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 1 || n > max) throw usage(`${flag}: ${JSON.stringify(s)} is not valid; expected a whole number from 1 to ${max}`);
  return n;
}

export function parseSeed(flag: string, raw: string | number): string {
  const s = String(raw);
  if (s === '') throw usage(`${flag} is empty; expected a seed of 1-64 letters, digits, _ . - (leave it out for a random seed)`);
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(s)) throw usage(`${flag}: ${JSON.stringify(s)} is not a seed; expected 1-64 letters, digits, _ . -`);
  return s;
}

export function parseParams(flag: string, raws: string[]): Params {
  const out: Params = {};
  for (const raw of raws) {
    const m = /^([A-Za-z_][\w-]*)=(.*)$/.exec(raw);
    if (m === null) throw usage(`${flag}: ${JSON.stringify(raw)} is not name=value`);
    const problem = paramNameProblem(m[1]!);
    if (problem !== undefined) throw usage(`${flag}: ${problem}`);
    const v = m[2]!;
    // The same name twice kept the last silently (`--param increments=1 --param increments=2`).
    if (Object.hasOwn(out, m[1]!)) throw usage(`${flag}: ${m[1]!} is given twice; give each parameter once`);
    out[m[1]!] = v === 'true' ? true : v === 'false' ? false : v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
  }
  return out;
}

export function parseGrep(flag: string, raw: string): string {
  try {
    new RegExp(raw);
  } catch (err) {
    throw usage(`${flag}: ${JSON.stringify(raw)} is not a regular expression (${(err as Error).message})`);
  }
  return raw;
}

/**
 * --jobs: `auto`, or a whole number of trial groups from 1 to the CPUs this process may use. Typed
 * for this machine, so more is a usage error (a config file's jobs is clamped: parseJobsForAnyMachine).
 */
export function parseJobs(flag: string, raw: string | number): number | 'auto' {
  const s = String(raw).trim();
  if (s === 'auto') return 'auto';
  const cores = runCpus().length;
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 1 || n > cores) {
    throw usage(`${flag}: ${JSON.stringify(String(raw))} is not valid; expected auto or a whole number from 1 to ${cores} (the CPUs this process may use)`);
  }
  return n;
}

/**
 * A config file's `jobs`: committed once and run on every machine (a laptop with 8 cores, a CI
 * runner with 2), so a number above this machine's CPUs is clamped to them, with a warning naming
 * the value, where it was written and the CPUs, instead of failing the CI job with exit 2. Any
 * other bad value is the usage error parseJobs gives.
 */
export function parseJobsForAnyMachine(label: string, raw: string | number): { jobs: number | 'auto'; warning?: string } {
  const s = String(raw).trim();
  const cores = runCpus().length;
  if (/^\d+$/.test(s) && Number(s) > cores) {
    const cpus = `${cores} CPU${cores === 1 ? '' : 's'}`;
    const groups = cores === 1 ? 'one trial group at a time' : `${cores} trial groups side by side`;
    return { jobs: cores, warning: `${label}: ${s} is more than the ${cpus} this process may use; running ${groups} (--jobs ${s} on the command line would be an error; "auto" fits any machine)` };
  }
  // Any other whole number of 1 or more was clamped above: the error says what a config file may hold.
  if (s !== 'auto' && (!/^\d+$/.test(s) || Number(s) < 1)) {
    throw usage(`${label}: ${JSON.stringify(s)} is not valid; expected auto or a whole number of 1 or more (above this machine's ${cores} CPU${cores === 1 ? '' : 's'}, it is clamped to them)`);
  }
  return { jobs: parseJobs(label, raw) };
}

/**
 * The plan's schedule axis (flag `--schedule`, config key `schedule`, stress.it's `schedule`):
 * which names it takes, and how a configuration's key says its schedule.
 * docs/design/controlled-scheduling.md section 6.1 has the design.
 *
 * `free` is today's free-running stress; every other value plans controlled configurations, run
 * one thread at a time between scheduling points. Under control the cores and the jitter change
 * nothing (one thread runs at a time, and the model, not the clock, picks it), so a controlled
 * configuration is planned once per (suite, variant, threads), at CONTROLLED_CORES and
 * CONTROLLED_JITTER.
 */
import type { ScheduleName } from '../schedule/types.js';

/** PCT depths a schedule may ask for: depth d finds bugs needing d-1 priority changes; beyond 10 the odds per run are negligible. */
export const MAX_PCT_DEPTH = 10;
/** The cores of every controlled configuration: one thread runs at a time, so pinning changes nothing. */
export const CONTROLLED_CORES = 'all';
/** The jitter of every controlled configuration: the model picks who runs, not timing. */
export const CONTROLLED_JITTER = 'none';

/** The controlled values of the axis, as messages list them. */
export const CONTROLLED_VALUES_TEXT = `ctl, random or pct:D (D from 1 to ${MAX_PCT_DEPTH})`;
/** The values the axis takes, as messages list them. */
export const SCHEDULE_VALUES_TEXT = `free, ${CONTROLLED_VALUES_TEXT}`;

/**
 * Why `name` is not a schedule, or undefined if it is. `pct:D` is written without leading zeros
 * or spaces, so that each schedule has one spelling (and one key).
 */
export function scheduleNameProblem(name: unknown): string | undefined {
  if (name === 'free' || name === 'ctl' || name === 'random') return undefined;
  if (typeof name === 'string') {
    const m = /^pct:([1-9]\d?)$/.exec(name);
    if (m !== null && Number(m[1]) <= MAX_PCT_DEPTH) return undefined;
  }
  const shown = typeof name === 'string' ? JSON.stringify(name) : (JSON.stringify(name) ?? typeof name);
  return `${shown} is not a schedule; expected ${SCHEDULE_VALUES_TEXT}`;
}

export function isScheduleName(name: unknown): name is ScheduleName {
  return scheduleNameProblem(name) === undefined;
}

/** A controlled schedule: anything but free-running stress. */
export function isControlled(name: ScheduleName | undefined): name is Exclude<ScheduleName, 'free'> {
  return name !== undefined && name !== 'free';
}

/**
 * The key's suffix for a schedule: `/s-ctl`, `/s-random`, `/s-pct3`; none for free-running stress
 * (absent or `free`), so the keys, replay tokens and result files of free runs stay what they were.
 */
export function scheduleKeySuffix(name: ScheduleName | undefined): string {
  return isControlled(name) ? `/s-${name.replace(':', '')}` : '';
}

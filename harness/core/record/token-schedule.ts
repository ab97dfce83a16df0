/**
 * A controlled trial's schedule as a replay token carries it (docs/design/controlled-scheduling.md
 * section 6.3): the configuration's schedule name (`sn`, so replay rebuilds its key), the exact
 * spec the trial ran under (`sc`), and the first 8 hex digits of its interleaving hash (`h`, which
 * replay compares to tell "reproduced" from "this schedule no longer fits the code").
 *
 * `sc` is written compactly, since tokens are pasted from CI logs:
 *   { k: 'random', seed }                     a random walk
 *   { k: 'pct', seed, d, n }                   PCT of depth d, change points in steps 1..n
 *   { k: 'switches', sw: '6.1,16.1,17.0' }     a switch list, `step.thread` pairs
 *
 * A token is input from anyone, so decoding checks every field against what a run can produce and
 * names the field it refuses.
 */
import { HarnessError } from '../shared/errors.js';
import { visible } from '../shared/control-chars.js';
import type { ScheduleName, ScheduleSpec } from '../schedule/types.js';
import { CONTROLLED_CORES, CONTROLLED_JITTER, CONTROLLED_VALUES_TEXT, MAX_PCT_DEPTH, isControlled, isScheduleName } from '../plan/schedule-axis.js';
import { shown } from './replay-trust.js';

/** Steps of one controlled trial a spec may name: far beyond any trial's (the model's livelock bound stops one long before). */
export const MAX_SCHEDULE_STEPS = 10_000_000;
/** Switches in one switch list: a shrunk list has a handful; a recorded, unshrunk one of a long trial a few thousand. */
export const MAX_SWITCHES = 10_000;
/** Strategy seeds are uint32 (the strategies hash them with the step number). */
const MAX_SEED = 0xffff_ffff;
const HASH = /^[0-9a-f]{8}$/;

/** `sc` as it is written in a token. */
export type TokenScheduleSpec =
  | { k: 'random'; seed: number }
  | { k: 'pct'; seed: number; d: number; n: number }
  | { k: 'switches'; sw: string };

/** The schedule fields of a token: each absent for a free-running trial. */
export interface TokenScheduleFields {
  sn?: Exclude<ScheduleName, 'free'>;
  sc?: TokenScheduleSpec;
  h?: string;
}

export const SCHEDULE_FIELDS = ['sn', 'sc', 'h'] as const;

/** A spec in the token's compact form. Never throws: a failure must get its token. */
export function encodeScheduleSpec(spec: ScheduleSpec): TokenScheduleSpec {
  switch (spec.kind) {
    case 'random':
      return { k: 'random', seed: spec.seed };
    case 'pct':
      return { k: 'pct', seed: spec.seed, d: spec.depth, n: spec.steps };
    case 'switches':
      return { k: 'switches', sw: spec.switches.map(([step, thread]) => `${step}.${thread}`).join(',') };
  }
}

function invalid(field: string, expected: string, got: unknown): HarnessError {
  const text = got === undefined ? 'missing (was the token cut when pasted?)' : typeof got === 'string' ? shown(got) : visible((JSON.stringify(got) ?? typeof got).slice(0, 80));
  return new HarnessError('ERR_REPLAY_TOKEN', `replay token is not valid: field ${field} is ${text}; expected ${expected}`);
}

function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

export interface DecodedSchedule {
  schedule?: Exclude<ScheduleName, 'free'>;
  scheduleSpec?: ScheduleSpec;
  scheduleHash?: string;
}

/**
 * The schedule fields of a token checked: `t` is the token, `threads`, `cores` and `jitter` its
 * already checked configuration (a switch names a thread of the trial; a controlled configuration
 * is planned at cores 'all' and jitter 'none' only, so a token saying otherwise names none).
 */
export function decodeScheduleFields(t: Record<string, unknown>, threads: number, cores: 'all' | number, jitter: string): DecodedSchedule {
  const out: DecodedSchedule = {};
  if (t.sn !== undefined) {
    if (!isScheduleName(t.sn) || !isControlled(t.sn)) throw invalid('sn (schedule)', `a controlled schedule: ${CONTROLLED_VALUES_TEXT}`, t.sn);
    if (cores !== CONTROLLED_CORES || jitter !== CONTROLLED_JITTER) {
      throw invalid('sn (schedule)', `absent, since a controlled configuration runs at cores ${CONTROLLED_CORES} and jitter ${CONTROLLED_JITTER}, and this token says cores ${String(cores)}, jitter ${shown(jitter)}`, t.sn);
    }
    out.schedule = t.sn;
  }
  // A spec and the hash of the interleaving it produced are written together: one without the other replays nothing checkable.
  if ((t.sc === undefined) !== (t.h === undefined)) {
    if (t.h === undefined) throw invalid('h (interleaving hash)', '8 hex digits beside sc (the schedule spec)', t.h);
    throw invalid('sc (schedule spec)', 'the schedule spec beside h (the interleaving hash)', t.sc);
  }
  // A spec is of a controlled configuration's trial: without sn the token would name a free-running one, and replay would run it free.
  if (t.sc !== undefined && t.sn === undefined) throw invalid('sn (schedule)', `the controlled schedule beside sc (${CONTROLLED_VALUES_TEXT})`, t.sn);
  if (t.sc !== undefined) out.scheduleSpec = decodeScheduleSpec(t.sc, threads);
  if (t.h !== undefined) {
    if (typeof t.h !== 'string' || !HASH.test(t.h)) throw invalid('h (interleaving hash)', '8 hex digits (0-9, a-f)', t.h);
    out.scheduleHash = t.h;
  }
  return out;
}

const SPEC_KEYS: Record<TokenScheduleSpec['k'], readonly string[]> = {
  random: ['k', 'seed'],
  pct: ['k', 'seed', 'd', 'n'],
  switches: ['k', 'sw'],
};

function decodeScheduleSpec(sc: unknown, threads: number): ScheduleSpec {
  if (typeof sc !== 'object' || sc === null || Array.isArray(sc)) throw invalid('sc (schedule spec)', 'an object such as {"k":"random","seed":7}', sc);
  const spec = sc as Record<string, unknown>;
  const kind = spec.k;
  if (kind !== 'random' && kind !== 'pct' && kind !== 'switches') throw invalid('sc.k (schedule kind)', 'one of "random", "pct", "switches"', kind);
  const extra = Object.keys(spec).find((key) => !SPEC_KEYS[kind].includes(key));
  if (extra !== undefined) throw new HarnessError('ERR_REPLAY_TOKEN', `replay token is not valid: unknown field sc.${visible(extra.slice(0, 40))}; a ${kind} schedule has only ${SPEC_KEYS[kind].join(', ')}`);
  if (kind === 'switches') return { kind: 'switches', switches: decodeSwitches(spec.sw, threads) };
  if (!isIntIn(spec.seed, 0, MAX_SEED)) throw invalid('sc.seed (schedule seed)', `a whole number from 0 to ${MAX_SEED}`, spec.seed);
  if (kind === 'random') return { kind: 'random', seed: spec.seed };
  if (!isIntIn(spec.d, 1, MAX_PCT_DEPTH)) throw invalid('sc.d (PCT depth)', `a whole number from 1 to ${MAX_PCT_DEPTH}`, spec.d);
  if (!isIntIn(spec.n, 1, MAX_SCHEDULE_STEPS)) throw invalid('sc.n (PCT steps)', `a whole number from 1 to ${MAX_SCHEDULE_STEPS}`, spec.n);
  return { kind: 'pct', seed: spec.seed, depth: spec.d, steps: spec.n };
}

/** `"6.1,16.1,17.0"`: steps strictly increasing (one decision per step), each naming a thread of the trial. */
function decodeSwitches(sw: unknown, threads: number): Array<[step: number, thread: number]> {
  const expected = `"step.thread" pairs separated by commas, e.g. "6.1,16.0": at most ${MAX_SWITCHES}, steps increasing from 0 to ${MAX_SCHEDULE_STEPS}, threads from 0 to ${threads - 1}`;
  // Checked for length before it is split: a crafted token must not make a huge array.
  if (typeof sw !== 'string' || sw.length > MAX_SWITCHES * 12) throw invalid('sc.sw (switches)', expected, sw);
  if (sw === '') return [];
  const pairs = sw.split(',');
  if (pairs.length > MAX_SWITCHES) throw invalid('sc.sw (switches)', expected, `${pairs.length} switches`);
  const switches: Array<[number, number]> = [];
  // Step 0 is the first decision (which thread starts): a switch list may name it.
  let lastStep = -1;
  for (const pair of pairs) {
    const m = /^(\d{1,8})\.(\d{1,3})$/.exec(pair);
    const step = m === null ? NaN : Number(m[1]);
    const thread = m === null ? NaN : Number(m[2]);
    if (!isIntIn(step, lastStep + 1, MAX_SCHEDULE_STEPS) || !isIntIn(thread, 0, threads - 1)) throw invalid('sc.sw (switches)', expected, pair);
    switches.push([step, thread]);
    lastStep = step;
  }
  return switches;
}

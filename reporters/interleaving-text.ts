/**
 * The interleaving of a failing controlled trial as text: numbered steps, one column per thread,
 * each step with the call it was made in, the operation, the word and the value read or written.
 * The console, the findings (JUnit, Markdown, HTML details), mocha and `stress replay` all print
 * these lines; the HTML timeline draws the same entries (interleavingEntries).
 *
 *   interleaving under random walk, seed 123: 16 steps (h=3fa9c2e1)
 *   # 1 t0 acquire() load     lock[0] -> 0
 *   # 2 t0 acquire() store    lock[0] <- 1
 *   # 4                                         t1 acquire() load  lock[0] -> 1  (preempts t0)
 *
 * Long interleavings are trimmed to the steps that matter (trimInterleaving), the rest said in one
 * line each: `… 12 steps of t0 (acquire(), release()) …`. Words, labels and values come from
 * the suite (its names for words, its labels): they are shown with visible(), so a control
 * character cannot move the cursor or forge a line.
 *
 * Everything here is pure and imports only types from the core, so the core's producer of the
 * interleaving (which may not import a reporter) can take trimInterleaving over as it is.
 */
import type { InterleavingStep, ScheduleSample, ScheduleSpec } from '../harness/core/schedule/types.js';
import { visible } from '../harness/core/shared/control-chars.js';
import { counted } from './words.js';

/** Steps left out of a trimmed interleaving, shown as one line. */
export interface Elided {
  /** How many steps were left out. */
  elided: number;
  /** The first and last step numbers left out. */
  from: number;
  to: number;
  /** The threads that ran them, ascending; empty when unknown (steps missing from a producer's list). */
  threads: number[];
  /** The calls they were made in (their labels), in order of first appearance. */
  labels: string[];
}

export type InterleavingEntry = InterleavingStep | Elided;

export function isElided(e: InterleavingEntry): e is Elided {
  return 'elided' in e;
}

/** A schedule to show: a ScheduleSample, or one whose steps were trimmed already (elisions included). */
export type ShownSchedule = Omit<ScheduleSample, 'steps'> & { steps: readonly InterleavingEntry[] };

/** Up to this many steps are shown whole. */
export const TRIM_ABOVE_STEPS = 40;
/** Steps kept on each side of a preemption when trimming. */
export const STEPS_AROUND_PREEMPTION = 3;
/** The failure is at the end: the last steps are always kept. */
export const LAST_STEPS_KEPT = 6;
/**
 * Preemptions shown with their neighbours, at most: the last ones (the failure is at the end). A
 * schedule that could not be shrunk may have hundreds; the earlier ones are elided with the rest.
 */
export const MAX_PREEMPTIONS_SHOWN = 12;
/** An elision line names at most this many labels. */
const MAX_ELIDED_LABELS = 4;

/**
 * The steps that matter: all of them up to TRIM_ABOVE_STEPS; beyond, the 3 steps on each side of
 * each of the last 12 preemptions (a preemption is what a schedule decides; the rest follows from
 * the code) and the last 6 (where the failure shows), every other run of steps replaced by one Elided. A run of
 * one step is kept rather than elided: its line says more than `… 1 step …` would, in as
 * little room. Pure: the input is not changed (reporters are handed frozen results).
 */
export function trimInterleaving(steps: readonly InterleavingStep[]): InterleavingEntry[] {
  if (steps.length <= TRIM_ABOVE_STEPS) return [...steps];
  const kept = new Array<boolean>(steps.length).fill(false);
  const keep = (from: number, to: number): void => {
    for (let i = Math.max(0, from); i <= Math.min(steps.length - 1, to); i++) kept[i] = true;
  };
  const preemptions = steps.flatMap((s, i) => (s.preempted === true ? [i] : []));
  for (const i of preemptions.slice(-MAX_PREEMPTIONS_SHOWN)) keep(i - STEPS_AROUND_PREEMPTION, i + STEPS_AROUND_PREEMPTION);
  keep(steps.length - LAST_STEPS_KEPT, steps.length - 1);
  return elideUnkept(steps, kept);
}

/** The kept entries as they are; each run of the others as one elision (a run of one stays as it is). */
function elideUnkept(entries: readonly InterleavingEntry[], kept: readonly boolean[]): InterleavingEntry[] {
  const out: InterleavingEntry[] = [];
  for (let i = 0; i < entries.length; ) {
    if (kept[i]) {
      out.push(entries[i]!);
      i++;
      continue;
    }
    let end = i;
    while (end + 1 < entries.length && !kept[end + 1]) end++;
    const run = entries.slice(i, end + 1);
    out.push(run.length === 1 ? run[0]! : mergeElided(run));
    i = end + 1;
  }
  return out;
}

/**
 * A list the producer trimmed already keeps up to 200 preemptions (schedule/interleaving.ts): trim
 * it again as trimInterleaving would, to the neighbours of the last MAX_PREEMPTIONS_SHOWN
 * preemptions and the last steps, merging everything else (its own elisions too) into elisions.
 */
function capPreemptions(entries: readonly InterleavingEntry[]): InterleavingEntry[] {
  if (entries.length <= TRIM_ABOVE_STEPS) return [...entries];
  const kept = new Array<boolean>(entries.length).fill(false);
  const keepSteps = (from: number, to: number): void => {
    for (let i = Math.max(0, from); i <= Math.min(entries.length - 1, to); i++) if (!isElided(entries[i]!)) kept[i] = true;
  };
  const preemptions = entries.flatMap((e, i) => (!isElided(e) && e.preempted === true ? [i] : []));
  for (const i of preemptions.slice(-MAX_PREEMPTIONS_SHOWN)) keepSteps(i - STEPS_AROUND_PREEMPTION, i + STEPS_AROUND_PREEMPTION);
  keepSteps(entries.length - LAST_STEPS_KEPT, entries.length - 1);
  return elideUnkept(entries, kept);
}

/** One elision for a run of steps and elisions. */
function mergeElided(run: readonly InterleavingEntry[]): Elided {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const labels: string[] = [];
  const threads = new Set<number>();
  let count = 0;
  for (const e of run) {
    if (isElided(e)) {
      count += e.elided;
      e.threads.forEach((t) => threads.add(t));
      for (const l of e.labels) if (!labels.includes(l)) labels.push(l);
    } else {
      count++;
      threads.add(e.thread);
      if (e.label !== undefined && e.label !== '' && !labels.includes(e.label)) labels.push(e.label);
    }
  }
  return { elided: count, from: isElided(first) ? first.from : first.step, to: isElided(last) ? last.to : last.step, threads: [...threads].sort((a, b) => a - b), labels };
}

/**
 * What is shown of a schedule's steps. A producer's list that was trimmed already (it has
 * elisions, or gaps in its step numbers, which become elisions of unknown threads) is shown as
 * it is; a whole list goes through trimInterleaving. Steps after the last listed one, up to
 * totalSteps, are one elision at the end.
 */
export function interleavingEntries(schedule: ShownSchedule): InterleavingEntry[] {
  const out: InterleavingEntry[] = [];
  let trimmedAlready = false;
  let next = 1;
  for (const e of schedule.steps) {
    const first = isElided(e) ? e.from : e.step;
    if (first > next) {
      out.push({ elided: first - next, from: next, to: first - 1, threads: [], labels: [] });
      trimmedAlready = true;
    }
    if (isElided(e)) trimmedAlready = true;
    out.push(e);
    next = (isElided(e) ? e.to : e.step) + 1;
  }
  const shown = trimmedAlready ? capPreemptions(out) : trimInterleaving(out as InterleavingStep[]);
  if (out.length > 0 && schedule.totalSteps >= next) {
    shown.push({ elided: schedule.totalSteps - next + 1, from: next, to: schedule.totalSteps, threads: [], labels: [] });
  }
  return shown;
}

/** `random walk, seed 123`, `PCT depth 3 over 120 steps, seed 9`, `3 forced switches`. */
export function scheduleSpecText(spec: ScheduleSpec): string {
  switch (spec.kind) {
    case 'random':
      return `random walk, seed ${spec.seed}`;
    case 'pct':
      return `PCT depth ${spec.depth} over ${counted(spec.steps, 'step')}, seed ${spec.seed}`;
    case 'switches':
      return spec.switches.length === 0 ? 'no forced switch (non-preemptive)' : counted(spec.switches.length, 'forced switch', 'forced switches');
    default:
      // A strategy added after this reporter: its name, rather than nothing.
      return `${visible(String((spec as { kind: unknown }).kind))} schedule`;
  }
}

/** `interleaving under random walk, seed 123: 28 steps, 16 shown (h=3fa9c2e1)`. */
export function interleavingHeader(schedule: ShownSchedule, entries = interleavingEntries(schedule)): string {
  const shown = entries.filter((e) => !isElided(e)).length;
  const steps = counted(schedule.totalSteps, 'step');
  // A sample kept without its steps (only the first failing trial is rerun with logging): say where they are, not "0 shown".
  if (schedule.steps.length === 0 && schedule.totalSteps > 0) return `schedule: ${scheduleSpecText(schedule.spec)}: ${steps}; its replay command shows the interleaving (h=${visible(schedule.hash)})`;
  return `interleaving under ${scheduleSpecText(schedule.spec)}: ${shown < schedule.totalSteps ? `${steps}, ${shown} shown` : steps} (h=${visible(schedule.hash)})`;
}

/** `t0`, the name every report gives a trial thread. */
export function threadName(thread: number): string {
  return `t${thread}`;
}

/** `… 12 steps of t0 (acquire(), release()) …`, `… 3 steps of t0, t1 …`, `… 5 steps …`. */
export function elidedText(e: Elided): string {
  const who = e.threads.length === 0 ? '' : ` of ${e.threads.map(threadName).join(', ')}`;
  const more = e.labels.length > MAX_ELIDED_LABELS ? ', …' : '';
  const calls = e.labels.length === 0 ? '' : ` (${e.labels.slice(0, MAX_ELIDED_LABELS).map(visible).join(', ')}${more})`;
  return `… ${counted(e.elided, 'step')}${who}${calls} …`;
}

/** The thread a preempting step took the turn from: the one that ran the step before, when shown. */
export function preemptedThread(entries: readonly InterleavingEntry[], index: number): number | undefined {
  const before = entries[index - 1];
  return before !== undefined && !isElided(before) ? before.thread : undefined;
}

/** A thread's column is at most this wide: a longer step overflows its column rather than widening every column. */
const MAX_COLUMN = 56;
/** A label or word wider than this is not padded to: it shifts the rest of its own line only. */
const MAX_FIELD = 20;

/**
 * The schedule as text lines: the header, then one line per shown step (`#n`, indented to its
 * thread's column) or elision, each prefixed with `indent`; the steps indented two more.
 */
export function interleavingLines(schedule: ShownSchedule, indent = ''): string[] {
  const entries = interleavingEntries(schedule);
  const steps = entries.filter((e): e is InterleavingStep => !isElided(e));
  const width = (values: string[]): number => Math.min(MAX_FIELD, Math.max(0, ...values.map((v) => v.length)));
  const labels = steps.map((s) => visible(s.label ?? ''));
  const labelWidth = width(labels);
  const opWidth = width(steps.map((s) => visible(s.op)));
  const wordWidth = width(steps.map((s) => visible(s.word ?? '')));
  const cell = (s: InterleavingStep): string =>
    [threadName(s.thread), ...(labelWidth > 0 ? [visible(s.label ?? '').padEnd(labelWidth)] : []), visible(s.op).padEnd(opWidth), visible(s.word ?? '').padEnd(wordWidth), visible(s.value ?? '')]
      .join(' ')
      .trimEnd();
  const column = Math.min(MAX_COLUMN, Math.max(0, ...steps.map((s) => cell(s).length))) + 2;
  const digits = Math.max(1, ...steps.map((s) => String(s.step).length));
  const gutter = ' '.repeat(digits + 2);
  const lines = [`${indent}${interleavingHeader(schedule, entries)}`];
  entries.forEach((e, i) => {
    if (isElided(e)) {
      // An elision of one thread's steps sits in that thread's column.
      const at = e.threads.length === 1 ? e.threads[0]! * column : 0;
      lines.push(`${indent}  ${gutter}${' '.repeat(at)}${elidedText(e)}`);
      return;
    }
    const from = preemptedThread(entries, i);
    const mark = e.preempted === true ? `  (preempts${from !== undefined && from !== e.thread ? ` ${threadName(from)}` : ''})` : '';
    lines.push(`${indent}  #${String(e.step).padStart(digits)} ${' '.repeat(e.thread * column)}${cell(e)}${mark}`);
  });
  return lines;
}

/**
 * How an invariant failure and a harness error read, wherever they are shown: the console's
 * failure report (console.ts), the findings of the file reporters (findings.ts), mocha's failure
 * messages (harness/mocha/verdicts.ts) and the output of `stress replay`. Each picks the lines it
 * shows; the words of each line are made here only. Numbers are said through words.ts.
 */
import type { InterleavingCheck } from '../harness/core/schedule/replay-check.js';
import type { ConfigResult, ErrorSample, FailureSample, InvariantResult } from '../harness/core/grade/results.js';
import { replayCommand } from '../harness/core/record/replay-token.js';
import { indentedLines, visible } from '../harness/core/shared/control-chars.js';
import { interleavingLines } from './interleaving-text.js';
import { traceLines } from './trace-text.js';
import { counted, failedOf, grouped, stoppedNote } from './words.js';

/** How suite text (names, details, messages: the suite author's) is shown where the text goes. */
export interface Shown {
  /** A name or key: one line. */
  name: (s: string) => string;
  /** Text that may have lines of its own; lines after the first are indented by `indent`. */
  text: (s: string, indent: string) => string;
}

/** As written: for files that escape for their own format (JUnit, Markdown, HTML), and mocha's messages. */
export const AS_WRITTEN: Shown = { name: (s) => s, text: (s) => s };

/**
 * For a terminal: control characters are shown, never sent, and continuation lines are indented,
 * so no line of a suite's text can pass for a line of the report.
 */
export const ON_TERMINAL: Shown = { name: visible, text: indentedLines };

/** `trial 3` or `trial 3, thread 1` (a crash outside any thread has thread -1). */
export function trialWhere(e: { trial: number; thread?: number }): string {
  return e.thread !== undefined && e.thread >= 0 ? `trial ${e.trial}, thread ${e.thread}` : `trial ${e.trial}`;
}

/** `replay: npx stress replay TOKEN`. */
export function replayLine(token: string): string {
  return `replay: ${replayCommand(token)}`;
}

/** `no lost update: flaky, 7 of 100 trials (7.00% [3.43%, 13.7%])`: a status and failure rate under a label (an invariant's name or a configuration's key). */
export function invariantLine(label: string, inv: Pick<InvariantResult, 'status' | 'failures' | 'trials'>): string {
  return `${label}: ${inv.status}, ${failedOf(inv.failures, inv.trials)}`;
}

/** `trial 3: expected 2, observed 1`: one failing trial's details, its continuation lines indented two more than `indent`. */
export function sampleLine(s: FailureSample, shown: Shown, indent = ''): string {
  return `trial ${s.trial}: ${shown.text(s.details, `${indent}  `)}`;
}

/**
 * The interleaving a controlled trial failed under (interleaving-text.ts), its header at `indent`;
 * none for a free-running trial. Its words, labels and values are always shown with visible():
 * the lines are the same wherever they go, and a file escapes them further for its format.
 */
export function scheduleLines(s: FailureSample, indent: string): string[] {
  return s.schedule === undefined ? [] : interleavingLines(s.schedule, indent);
}

/**
 * Under a free-running failure's replay line: what the controlled search after it found (the
 * exact token), or that it found nothing in so many schedules, and the two reasons that happens.
 * None when no search ran (a controlled trial, a later sample, a stopped run).
 */
export function controlledLines(s: FailureSample, indent: string): string[] {
  const c = s.controlled;
  if (c === undefined) return [];
  if (c.replay !== undefined) return [`${indent}controlled replay (exact, every time): ${replayCommand(c.replay)}`];
  return [`${indent}no controlled schedule reproduced it in ${counted(c.schedules, 'schedule')}: it may need a race between plain reads and writes (add yieldPoint) or real timing`];
}

/**
 * The first failing trial of an invariant and the command that replays it, each at `indent`, then
 * the controlled search's answer for a free failure, or the interleaving when the trial ran
 * controlled; none when no trial was kept.
 */
export function firstFailureLines(inv: InvariantResult, indent: string, shown: Shown): string[] {
  const s = inv.samples[0];
  return s === undefined ? [] : [`${indent}${sampleLine(s, shown, indent)}`, `${indent}${replayLine(s.replay)}`, ...controlledLines(s, indent), ...scheduleLines(s, indent)];
}

/**
 * `Name [CODE]: message`, or `Name [CODE] (no message)` for an error thrown without one (not a
 * dangling "TypeError: "). `show` and `showLines` escape for where the text goes (a terminal).
 */
export function errorHeadline(e: Pick<ErrorSample, 'name' | 'code' | 'message'>, show = (s: string): string => s, showLines = show): string {
  return `${show(e.name)}${e.code ? ` [${show(e.code)}]` : ''}${e.message === '' ? ' (no message)' : `: ${showLines(e.message)}`}`;
}

/** `trial 3, thread 1: TypeError: message`, the message's continuation lines indented two more than `indent`. */
export function errorText(e: ErrorSample, shown: Shown, indent = ''): string {
  return `${trialWhere(e)}: ${errorHeadline(e, shown.name, (text) => shown.text(text, `${indent}  `))}`;
}

/** The trace of a configuration's first kept failing (or hung) trial. */
export function firstFailureTrace(r: ConfigResult): string[] {
  const sample = r.invariants.flatMap((i) => i.samples)[0] ?? r.hangs.samples[0];
  if (sample === undefined || sample.trace.length === 0) return [];
  return traceLines(sample.trace);
}

/**
 * What `stress replay` prints once the replays ran: how often the failure came back, then the
 * invariants that failed and the first error, each with its first details, the interleaving of
 * the first failing controlled run, and with `trace` the trace of the first reproduction.
 * `untilCap`: the most runs --until-reproduced makes.
 */
export function replayReport(result: ConfigResult & { interleaving?: InterleavingCheck }, options: { until: boolean; trace: boolean; untilCap: number }): string {
  // A replay stops at its first failure with --until-reproduced: a max-failures note would say nothing.
  const note = result.stoppedAtRecoveries !== undefined ? stoppedNote(result) : '';
  const lines = [`reproduced in ${failedOf(result.failedTrials, result.trials, 'run')}${note}`];
  const check = result.interleaving;
  if (check !== undefined) {
    // A controlled replay is exact: a run with another interleaving is not this failure reproduced, whatever it found.
    const exact = `identical interleaving in ${check.identical} of ${counted(check.runs, 'run')} (h=${visible(check.expected)})`;
    if (check.identical === check.runs) lines.push(`  ${exact}`);
    else {
      const where = check.divergedAt !== undefined ? `diverged at step ${check.divergedAt}` : `its runs' interleaving hash is ${visible(check.otherHash ?? '?')}`;
      lines.push(`  this schedule no longer fits the code (${where}): ${exact}`);
    }
  }
  if (result.notControlled !== undefined) {
    // The model could not run the trial (too long, refused): nothing was replayed, and nothing changed.
    lines.push(`  could not run controlled: ${visible(result.notControlled.reason)}`);
  } else if (result.failedTrials === 0 && result.errors.count === 0 && !options.until) {
    lines.push(
      result.config.schedule !== undefined
        ? // One thread at a time, virtual time, seeded choices: a controlled run does not depend on timing.
          '  not reproduced: a controlled schedule replays exactly, so the code under test or the suite has changed since this token was made'
        : // The seed fixes the jitter draws, not the scheduler: a rare race may need many more runs.
          `  not reproduced: the failure depends on thread timing as well as the seed; try --until-reproduced (up to ${grouped(options.untilCap)} runs)`,
    );
  }
  let interleavingShown = false;
  for (const inv of result.invariants) {
    if (inv.failures === 0) continue;
    lines.push(`  ${visible(inv.name)}: ${counted(inv.failures, 'failure')}; e.g. ${indentedLines(inv.samples[0]?.details ?? '', '    ')}`);
    // Every failing run of a controlled replay ran the same interleaving: it is shown once.
    const first = inv.samples[0];
    if (first?.schedule !== undefined && !interleavingShown) {
      lines.push(...scheduleLines(first, '    '));
      interleavingShown = true;
    }
  }
  for (const e of result.errors.samples.slice(0, 1)) lines.push(`  error: ${errorHeadline(e, visible, (text) => indentedLines(text, '    '))}`);
  if (options.trace) {
    const trace = firstFailureTrace(result);
    if (trace.length > 0) lines.push('  trace of the first reproduction:', ...trace);
  }
  return `${lines.join('\n')}\n`;
}

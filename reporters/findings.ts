/**
 * What went wrong, as every file reporter (JUnit, Markdown, HTML) lists it: one finding per
 * failing invariant of a correct configuration, per configuration with harness errors, and per
 * canary that survived the whole matrix. Each has a type, a one-line message and a body (details,
 * wait-for table, trace, replay command, and the interleaving of a controlled trial), worded by
 * failure-text.ts.
 */
import { type ConfigResult, HANG_INVARIANT, type InvariantResult } from '../harness/core/grade/results.js';
import { replayCommand } from '../harness/core/record/replay-token.js';
import type { CanaryVerdict } from '../harness/core/grade/verdict.js';
import { MIN_JUDGING_SHARE_MS } from '../harness/core/grade/status-rule.js';
import { traceLines } from './trace-text.js';
import type { ScheduleSample } from '../harness/core/schedule/types.js';
import { AS_WRITTEN, controlledLines, errorText, replayLine, sampleLine, scheduleLines } from './failure-text.js';
import { counted, failedOf } from './words.js';

export type FindingType = 'InvariantViolated' | 'Flaky' | 'HangOrDeadlock' | 'CanarySurvived' | 'HarnessError';

export interface Finding {
  type: FindingType;
  /** The invariant failed in some trials only: consumers may encode it as flaky. */
  flaky: boolean;
  message: string;
  body: string;
  /** The first kept failing trial's replay command, if any. */
  replay?: string;
  /** The first kept failing trial ran controlled: its schedule and interleaving (also in the body), for reporters that draw it. */
  schedule?: ScheduleSample;
}

export function invariantFinding(r: ConfigResult, inv: InvariantResult): Finding | null {
  if (inv.failures === 0) return null;
  const hang = inv.name === HANG_INVARIANT;
  const type: FindingType = hang ? 'HangOrDeadlock' : inv.status === 'flaky' ? 'Flaky' : 'InvariantViolated';
  const first = inv.samples[0];
  const rate = failedOf(inv.failures, inv.trials);
  const message = `${inv.name}: ${inv.status}, failed in ${rate}${first ? `; ${sampleLine(first, AS_WRITTEN)}` : ''}`;
  const body: string[] = [`${r.config.key}: ${inv.name}`, `${inv.status}: failed in ${rate}`];
  if (r.stoppedAtFailures !== undefined) body.push(`stopped once max-failures (${r.stoppedAtFailures}) was reached: the rate over-states the true rate`);
  if (r.stoppedAtRecoveries !== undefined) body.push(`stopped after ${r.stoppedAtRecoveries} hangs or crashes: the rest of the budget was not run`);
  if (r.notControlled !== undefined) body.push(`stopped at trial ${r.notControlled.trial}, which could not run controlled: ${r.notControlled.reason}`);
  for (const s of inv.samples) {
    body.push('', sampleLine(s, AS_WRITTEN), `  ${replayLine(s.replay)}`, ...controlledLines(s, '  '));
    // The first failing trial's interleaving only: the others are a replay away, and each can be long.
    if (s === first) body.push(...scheduleLines(s, '  '));
  }
  if (hang) {
    for (const h of r.hangs.samples) {
      body.push('', `hung trial ${h.trial}: threads had reached trials ${h.progress.join(', ')}`);
      for (const w of h.waitFor) body.push(`  ${w.thread} waits for ${w.waitsFor} held by ${w.heldBy}`);
    }
  }
  const trace = first?.trace ?? [];
  if (trace.length > 0) body.push('', `trace of trial ${first!.trial}:`, ...traceLines(trace, '  '));
  if (inv.failures > inv.samples.length) body.push('', `(${counted(inv.failures - inv.samples.length, 'more failing trial')} counted, not kept)`);
  const out: Finding = { type, flaky: inv.status === 'flaky', message, body: body.join('\n') };
  if (first) out.replay = replayCommand(first.replay);
  if (first?.schedule !== undefined) out.schedule = first.schedule;
  return out;
}

export function errorFinding(r: ConfigResult): Finding | null {
  if (r.errors.count === 0) return null;
  const e = r.errors.samples[0];
  const message = e ? `${counted(r.errors.count, 'error')}; ${errorText(e, AS_WRITTEN)}` : counted(r.errors.count, 'error');
  const body: string[] = [`${r.config.key}: ${message}`];
  for (const s of r.errors.samples) {
    body.push('', errorText(s, AS_WRITTEN));
    if (s.stack) body.push(s.stack);
    body.push(`  ${replayLine(s.replay)}`);
  }
  const out: Finding = { type: 'HarnessError', flaky: false, message, body: body.join('\n') };
  if (e) out.replay = replayCommand(e.replay);
  return out;
}

export function canaryFinding(v: CanaryVerdict): Finding | null {
  if (v.caught) return null;
  if (v.errored !== undefined) {
    // Errors are not detections, and not a lack of sensitivity either: nothing was judged.
    const message = `canary ${v.suite}/${v.variant}: every trial errored (${v.errored}), the canary could not be judged`;
    return { type: 'HarnessError', flaky: false, message, body: [message, v.bug ? `planted bug: ${v.bug}` : ''].filter((l) => l !== '').join('\n') };
  }
  const message = `canary ${v.suite}/${v.variant} survived: the planted bug was not caught in ${counted(v.trials, 'trial')} over ${counted(v.ran, 'configuration')}`;
  const body = [message, v.bug ? `planted bug: ${v.bug}` : '', `${survivedAdvice(v)}.`].filter((l) => l !== '');
  return { type: 'CanarySurvived', flaky: false, message, body: body.join('\n') };
}

/**
 * What a surviving canary asks for: more time when its configurations had too little to be judged
 * (MIN_JUDGING_SHARE_MS each), otherwise more sensitive settings.
 */
export function survivedAdvice(v: CanaryVerdict): string {
  if (v.shortOfBudgetMs !== undefined) {
    return `not enough budget to judge it: each of its configurations had at most ${Math.round(v.shortOfBudgetMs)} ms of testing (at least ${MIN_JUDGING_SHARE_MS} ms each is needed); raise --time-budget or give --runs`;
  }
  return 'not sensitive enough with these settings: raise --time-budget or --runs, add --jitter profiles, or more --threads';
}

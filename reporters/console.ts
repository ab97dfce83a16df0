/**
 * Console reporter: turns run events into text. It never writes anywhere
 * itself; the CLI decides where the text goes. User text goes through
 * visible()/visibleLines(): control characters are shown, never sent to the terminal.
 */
import type { RunEvent } from '../harness/core/events.js';
import type { ConfigResult, InvariantResult, RunSummary } from '../harness/core/grade/results.js';
import { canaryVerdicts } from '../harness/core/grade/verdict.js';
import { everyTrialErrored, isBad } from '../harness/core/grade/status-rule.js';
import { visible } from '../harness/core/shared/control-chars.js';
import { survivedAdvice } from './findings.js';
import { ON_TERMINAL, errorText, firstFailureLines, invariantLine, replayLine } from './failure-text.js';
import { summaryTableText } from './summary-table.js';
import { counted, formatRate, seconds, stoppedNote } from './words.js';

/** A configuration's least share of the time budget: `1.30 s`, `208 ms`. */
function formatShare(ms: number): string {
  return ms >= 1000 ? seconds(ms, 2) : `${Math.round(ms)} ms`;
}

export function formatEvent(e: RunEvent): string | null {
  switch (e.type) {
    case 'run-start': {
      const shard = e.settings.shard ? `, shard ${e.settings.shard.index}/${e.settings.shard.total} of ${e.plan.length}` : '';
      const share = e.minShareMs !== undefined ? `, at least ${formatShare(e.minShareMs)} of testing each` : '';
      return `stress run: ${counted(e.configs.length, 'configuration')}${shard}${share}, seed ${visible(e.seed)} (rerun with --seed ${visible(e.seed)})`;
    }
    case 'progress': {
      const pct = e.totalTrials === 0 ? 0 : (100 * e.totalFailures) / e.totalTrials;
      // Two significant digits as toPrecision(2) gives them (0.0, 0.0063, 12), but never in exponent form (toPrecision(2) gives 100 as 1.0e+2).
      const shown = pct.toLocaleString('en-US', { minimumSignificantDigits: 2, maximumSignificantDigits: 2 });
      // Said only when groups run side by side (--jobs): one at a time, the line reads as it always did.
      const groups = e.groups !== undefined && e.groups > 1 ? `, ${counted(e.groups, 'group')} running` : '';
      return `${(e.elapsedMs / 1000).toFixed(0)}s: ${counted(e.totalTrials, 'trial')}, ${counted(e.totalFailures, 'failure')} (${shown}%), ${counted(e.configsLeft, 'config')} left${groups}`;
    }
    case 'config-end':
      return formatConfigLine(e.result);
    case 'run-end':
      return formatSummary(e.summary);
    default:
      return null;
  }
}

export function formatConfigLine(r: ConfigResult): string {
  const caught = r.canaryVerdict === 'caught';
  const mark = r.config.canary ? (caught ? 'CAUGHT' : r.status === 'skipped' ? 'SKIP' : everyTrialErrored({ caught, trials: r.trials, errors: r.errors.count }) ? 'ERROR' : 'SURVIVED') : r.status.toUpperCase();
  const rate = r.status === 'skipped' ? visible(r.skippedReason ?? '') : `${counted(r.trials, 'trial')}, failed ${formatRate(r.failedTrials, r.trials)}`;
  const first = r.firstDetection !== undefined ? `, first at trial ${r.firstDetection.trial} (${seconds(r.firstDetection.ms, 2)})` : '';
  return `  ${mark.padEnd(8)} ${visible(r.config.key)}${r.config.canary ? ' [canary]' : ''}${sliceNote(r)}: ${rate}${first}${stoppedNote(r)}`;
}

/** A shard that ran one slice of a configuration's trials says which (stress merge adds the slices up). */
function sliceNote(r: ConfigResult): string {
  return r.slice === undefined ? '' : ` [trial slice ${r.slice.index}/${r.slice.total}, from trial ${r.slice.firstTrial}]`;
}

export function formatSummary(s: RunSummary): string {
  const lines: string[] = [''];
  const correct = s.configs.filter((r) => !r.config.canary);
  const bad = correct.filter((r) => isBad(r.status));
  lines.push('Failures:');
  if (bad.length === 0) lines.push('  none: every invariant of every correct variant held');
  for (const r of bad) lines.push(...describeFailure(r));
  lines.push('', 'Canaries (planted bugs the run must catch):');
  const canaries = canaryVerdicts(s.configs);
  if (canaries.length === 0) lines.push('  none in this run');
  for (const c of canaries) {
    const when = c.firstDetectionMs !== undefined ? `, first detection after ${seconds(c.firstDetectionMs, 2)}` : '';
    lines.push(
      c.caught
        ? `  caught    ${visible(`${c.suite}/${c.variant}`)}: in ${c.caughtIn} of ${c.ran} configurations, ${formatRate(c.failedTrials, c.trials)} of ${counted(c.trials, 'trial')}${when}`
        : c.errored !== undefined
          ? `  ERROR     ${visible(`${c.suite}/${c.variant}`)}: every trial errored (${visible(c.errored)}), the canary could not be judged`
          : `  SURVIVED  ${visible(`${c.suite}/${c.variant}`)}: not caught in ${counted(c.trials, 'trial')}; ${survivedAdvice(c)}`,
    );
  }
  // One detection per caught canary, so every kind of finding (lost update, hang, cycle) is shown once.
  const shown = canaries
    .filter((c) => c.caught)
    .map((c) => s.configs.find((r) => r.config.suite === c.suite && r.config.variant === c.variant && r.canaryVerdict === 'caught'))
    .filter((r): r is ConfigResult => r !== undefined);
  if (shown.length > 0) {
    lines.push('', 'What the canaries looked like (replay reruns that trial\'s seed):');
    for (const r of shown) lines.push(...describeFirstDetection(r));
  }
  const graded = s.configs.filter((r) => formatOutcomes(r) !== null);
  if (graded.length > 0) {
    lines.push('', 'Outcomes (configurations that saw interesting or forbidden outcomes):');
    for (const r of graded.slice(0, MAX_OUTCOME_CONFIGS)) lines.push(`  ${visible(r.config.key)}`, `    ${formatOutcomes(r)!}`);
    if (graded.length > MAX_OUTCOME_CONFIGS) lines.push(`  ... and ${counted(graded.length - MAX_OUTCOME_CONFIGS, 'more configuration')} (every histogram: --reporter html or json)`);
  }
  const table = summaryTableText(s);
  if (table.length > 0) lines.push('', 'Summary:', ...table);
  const trials = s.configs.reduce((n, r) => n + r.trials, 0);
  lines.push('');
  if (s.stoppedEarly) lines.push(`stopped by ${visible(s.stoppedEarly.reason)}: ${counted(s.stoppedEarly.notRun, 'configuration')} not run`);
  lines.push(
    `${counted(s.configs.length, 'configuration')}${s.shard ? ` (shard ${s.shard.index}/${s.shard.total}: its correct variants judged here; canary verdicts and the run's come from stress merge)` : ''}, ${counted(trials, 'trial')} in ${seconds(s.durationMs, 1)}, seed ${visible(s.seed)}${s.interrupted ? ' (INTERRUPTED)' : ''}; exit code ${s.exitCode}${reportersFailedNote(s)}`,
  );
  return lines.join('\n');
}

/** Why the exit code is 3 although the trials gave another: a reporter failed (its error is on stderr). */
function reportersFailedNote(s: RunSummary): string {
  const f = s.reportersFailed;
  if (f === undefined) return '';
  const names = f.names.map(visible).join(', ');
  return ` (reporter${f.names.length > 1 ? 's' : ''} ${names} failed: see stderr; the trials alone gave exit code ${f.verdictExitCode})`;
}

/** Configurations whose outcome histogram the summary shows; outcomes shown per configuration. */
const MAX_OUTCOME_CONFIGS = 20;
const MAX_OUTCOMES = 5;
const GRADE_RANK = { forbidden: 0, interesting: 1, acceptable: 2 } as const;

/**
 * The outcome histogram in one line, when some outcome was interesting or
 * forbidden (null when all were acceptable: nothing to look at):
 * `outcomes: 1,980 "2 of 2" acceptable (99.0%), 20 "lost 1 of 2" forbidden (1.0%)`.
 * At most five, the interesting and forbidden ones first, shown by count.
 */
export function formatOutcomes(r: ConfigResult): string | null {
  if (r.outcomes.every((o) => o.grade === 'acceptable')) return null;
  const total = r.outcomes.reduce((n, o) => n + o.count, 0);
  const shown = [...r.outcomes]
    .sort((a, b) => GRADE_RANK[a.grade] - GRADE_RANK[b.grade] || b.count - a.count)
    .slice(0, MAX_OUTCOMES)
    .sort((a, b) => b.count - a.count);
  const share = (n: number): string => {
    const pct = (100 * n) / total;
    return pct > 0 && pct < 0.1 ? '<0.1%' : `${pct.toFixed(1)}%`;
  };
  const parts = shown.map((o) => `${o.count.toLocaleString('en-US')} "${visible(o.outcome)}" ${o.grade} (${share(o.count)})`);
  const rest = r.outcomes.length - shown.length;
  return `outcomes: ${parts.join(', ')}${rest > 0 ? `, and ${counted(rest, 'other outcome')}` : ''}`;
}

export function describeFailure(r: ConfigResult): string[] {
  const out: string[] = [configLine(r)];
  for (const inv of r.invariants) {
    if (inv.failures > 0) out.push(...invariantLines(inv));
  }
  for (const e of r.errors.samples.slice(0, 1)) {
    out.push(`    error in ${errorText(e, ON_TERMINAL, '    ')}`, `      ${replayLine(e.replay)}`);
  }
  if (r.errors.count > 1) out.push(`    (${counted(r.errors.count, 'error')} in all)`);
  return out;
}

/**
 * A caught canary, once: its first failing invariant with the first failing trial, its replay
 * command and (controlled) its interleaving; or its first error when no invariant failed.
 */
export function describeFirstDetection(r: ConfigResult): string[] {
  const inv = r.invariants.find((i) => i.failures > 0);
  return inv === undefined ? describeFailure(r).slice(0, 4) : [configLine(r), ...invariantLines(inv)];
}

function configLine(r: ConfigResult): string {
  return `  ${visible(r.config.key)}: ${r.status}`;
}

function invariantLines(inv: InvariantResult): string[] {
  return [`    ${invariantLine(visible(inv.name), inv)}`, ...firstFailureLines(inv, '      ', ON_TERMINAL)];
}

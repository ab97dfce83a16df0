/**
 * The run as GitHub-flavoured Markdown: verdict, the summary table, a flaky
 * section (what failed in some trials only, with replay commands), other
 * failures, and canaries. User text is escaped for tables and code spans.
 */
import type { RunSummary } from '../harness/core/grade/results.js';
import { canaryVerdicts } from '../harness/core/grade/verdict.js';
import { type Finding, invariantFinding, errorFinding, survivedAdvice } from './findings.js';
import { interleavingHeader, interleavingLines } from './interleaving-text.js';
import { esc } from './html/escape.js';
import { configsCell, summaryRows } from './summary-table.js';
import { visible } from '../harness/core/shared/control-chars.js';
import { counted, seconds } from './words.js';

/** One line (a newline would end the table row or list item), control characters shown as \xNN. */
function oneLine(s: string): string {
  return visible(s.replace(/\r?\n/g, ' '));
}

/** Escapes text for a Markdown table cell or paragraph: no markup, no cell breaks, one line. */
export function mdText(s: string): string {
  return oneLine(s).replace(/[\\`*_[\]|<>~]/g, (c) => `\\${c}`);
}

/** A code span that survives backticks in its content. */
export function mdCode(s: string): string {
  const one = oneLine(s);
  const ticks = '`'.repeat(Math.max(1, ...[...one.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}${ticks.length > 1 ? ' ' : ''}${one}${ticks.length > 1 ? ' ' : ''}${ticks}`;
}

const MAX_LISTED = 30;

/**
 * A controlled failure's interleaving under its list item, folded (GitHub's <details>): a code
 * block of the console's lines. The lines are visible() already (no newline, no control
 * character); the fence is longer than any run of backticks in them, so no text can close it.
 */
function interleavingBlock(f: Finding): string[] {
  if (f.schedule === undefined) return [];
  const [, ...steps] = interleavingLines(f.schedule);
  const fence = '`'.repeat(Math.max(3, ...steps.map((l) => Math.max(0, ...[...l.matchAll(/`+/g)].map((m) => m[0].length + 1)))));
  // The <details> line is an HTML block, where Markdown escapes do not apply: HTML escapes do.
  return ['', `  <details><summary>${esc(interleavingHeader(f.schedule))}</summary>`, '', `  ${fence}text`, ...steps.map((l) => `  ${l}`), `  ${fence}`, '', '  </details>', ''];
}

export function markdownSummary(s: RunSummary): string {
  const ok = s.exitCode === 0;
  const trials = s.configs.reduce((n, r) => n + r.trials, 0);
  const lines: string[] = [
    `## shakedown: ${ok ? '✅ passed' : s.interrupted ? '⚠️ interrupted' : s.reportersFailed !== undefined ? '❌ a reporter failed' : '❌ failed'} (exit code ${s.exitCode}${s.reportersFailed !== undefined ? `; the trials alone gave ${s.reportersFailed.verdictExitCode}` : ''})`,
    '',
    `Seed ${mdCode(s.seed)}, ${counted(s.configs.length, 'configuration')}, ${counted(trials, 'trial')} in ${seconds(s.durationMs, 1)}` +
      (s.shard ? `, shard ${s.shard.index}/${s.shard.total} (its correct variants judged here; canaries by stress merge)` : '') + '.',
    ...(s.stoppedEarly ? ['', `Stopped by ${mdText(s.stoppedEarly.reason)}: ${counted(s.stoppedEarly.notRun, 'configuration')} not run.`] : []),
    '',
    '| suite/variant | verdict | configurations | trials | failed | failure rate [95% CI] |',
    '|---|---|---:|---:|---:|---|',
  ];
  for (const r of summaryRows(s)) {
    lines.push(`| ${mdText(`${r.suite}/${r.variant}`)}${r.canary ? ' (canary)' : ''} | ${r.bad ? `**${r.verdict}**` : r.verdict} | ${configsCell(r)} | ${r.trials} | ${r.failedTrials} | ${mdText(r.rate)} |`);
  }
  const correct = s.configs.filter((r) => !r.config.canary);
  const flaky = correct.flatMap((r) => r.invariants.filter((i) => i.status === 'flaky').map((i) => ({ r, f: invariantFinding(r, i)! })));
  const failing = correct.flatMap((r) => [
    ...r.invariants.filter((i) => i.status === 'fail').map((i) => ({ r, f: invariantFinding(r, i)! })),
    ...(errorFinding(r) ? [{ r, f: errorFinding(r)! }] : []),
  ]);
  lines.push('', `### Flaky (${flaky.length})`, '');
  if (flaky.length === 0) lines.push('No invariant failed in only some trials.');
  else lines.push('Failed in some trials, passed in others: a race, not noise. Replay reruns the trial\'s seed.', '');
  for (const { r, f } of flaky.slice(0, MAX_LISTED)) {
    lines.push(`- ${mdCode(r.config.key)}: ${mdText(f.message)}${f.replay ? `<br>replay: ${mdCode(f.replay)}` : ''}`, ...interleavingBlock(f));
  }
  if (flaky.length > MAX_LISTED) lines.push(`- … and ${flaky.length - MAX_LISTED} more`);
  if (failing.length > 0) {
    lines.push('', `### Failures (${failing.length})`, '');
    for (const { r, f } of failing.slice(0, MAX_LISTED)) {
      lines.push(`- ${mdCode(r.config.key)} (${f.type}): ${mdText(f.message)}${f.replay ? `<br>replay: ${mdCode(f.replay)}` : ''}`, ...interleavingBlock(f));
    }
    if (failing.length > MAX_LISTED) lines.push(`- … and ${failing.length - MAX_LISTED} more`);
  }
  const canaries = canaryVerdicts(s.configs);
  if (canaries.length > 0) {
    lines.push('', '### Canaries (planted bugs the run must catch)', '');
    for (const c of canaries) {
      if (c.errored !== undefined) {
        lines.push(`- ❌ **error** ${mdCode(`${c.suite}/${c.variant}`)}: every trial errored (${mdText(c.errored)}), the canary could not be judged`);
        continue;
      }
      lines.push(`- ${c.caught ? '✅ caught' : '❌ **survived**'} ${mdCode(`${c.suite}/${c.variant}`)}: in ${c.caughtIn} of ${c.ran} configurations${c.bug ? `: ${mdText(c.bug)}` : ''}${c.caught ? '' : ` (${mdText(survivedAdvice(c))})`}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

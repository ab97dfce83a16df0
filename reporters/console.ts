/**
 * Console reporter: turns run events into text. It never writes anywhere
 * itself; the CLI decides where the text goes. User text goes through
 * visible()/visibleLines(): control characters are shown, never sent to the terminal.
 */
import type { RunEvent } from '../harness/run.js';
import type { ConfigResult, RunSummary } from '../harness/results.js';
import { formatRate, stoppedNote } from '../harness/stats.js';
import { replayCommand } from '../harness/replay-token.js';
import { canaryVerdicts } from '../harness/verdict.js';
import { visible, visibleLines } from './control-chars.js';
import { traceLines } from './trace-text.js';
import { summaryTableText } from './summary-table.js';

export function formatEvent(e: RunEvent): string | null {
  switch (e.type) {
    case 'run-start': {
      const shard = e.settings.shard ? `, shard ${e.settings.shard.index}/${e.settings.shard.total} of ${e.plan.length}` : '';
      return `stress run: ${e.configs.length} configurations${shard}, seed ${visible(e.seed)} (rerun with --seed ${visible(e.seed)})`;
    }
    case 'progress': {
      const pct = e.totalTrials === 0 ? 0 : (100 * e.totalFailures) / e.totalTrials;
      return `${(e.elapsedMs / 1000).toFixed(0)}s: ${e.totalTrials.toLocaleString('en-US')} trials, ${e.totalFailures} failures (${pct.toPrecision(2)}%), ${e.configsLeft} configs left`;
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
  const mark = r.config.canary ? (r.canaryVerdict === 'caught' ? 'CAUGHT' : r.status === 'skipped' ? 'SKIP' : 'SURVIVED') : r.status.toUpperCase();
  const rate = r.status === 'skipped' ? visible(r.skippedReason ?? '') : `${r.trials.toLocaleString('en-US')} trials, failed ${formatRate(r.failedTrials, r.trials)}`;
  const first = r.firstDetection !== undefined ? `, first at trial ${r.firstDetection.trial} (${(r.firstDetection.ms / 1000).toFixed(2)} s)` : '';
  return `  ${mark.padEnd(8)} ${visible(r.config.key)}${r.config.canary ? ' [canary]' : ''}: ${rate}${first}${stoppedNote(r)}`;
}

export function formatSummary(s: RunSummary): string {
  const lines: string[] = [''];
  const correct = s.configs.filter((r) => !r.config.canary);
  const bad = correct.filter((r) => r.status !== 'pass' && r.status !== 'skipped');
  lines.push('Failures:');
  if (bad.length === 0) lines.push('  none: every invariant of every correct variant held');
  for (const r of bad) lines.push(...describeFailure(r));
  lines.push('', 'Canaries (planted bugs the run must catch):');
  const canaries = canaryVerdicts(s.configs);
  if (canaries.length === 0) lines.push('  none in this run');
  for (const c of canaries) {
    const when = c.firstDetectionMs !== undefined ? `, first detection after ${(c.firstDetectionMs / 1000).toFixed(2)} s` : '';
    lines.push(
      c.caught
        ? `  caught    ${visible(`${c.suite}/${c.variant}`)}: in ${c.caughtIn} of ${c.ran} configurations, ${formatRate(c.failedTrials, c.trials)} of ${c.trials.toLocaleString('en-US')} trials${when}`
        : `  SURVIVED  ${visible(`${c.suite}/${c.variant}`)}: not sensitive enough with these settings (${c.trials.toLocaleString('en-US')} trials); raise --time-budget or --runs, add --jitter, or more --threads`,
    );
  }
  // One detection per caught canary, so every kind of finding (lost update, hang, cycle) is shown once.
  const shown = canaries
    .filter((c) => c.caught)
    .map((c) => s.configs.find((r) => r.config.suite === c.suite && r.config.variant === c.variant && r.canaryVerdict === 'caught'))
    .filter((r): r is ConfigResult => r !== undefined);
  if (shown.length > 0) {
    lines.push('', 'What the canaries looked like (replay reruns that trial\'s seed):');
    for (const r of shown) lines.push(...describeFailure(r).slice(0, 4));
  }
  const table = summaryTableText(s);
  if (table.length > 0) lines.push('', 'Summary:', ...table);
  const trials = s.configs.reduce((n, r) => n + r.trials, 0);
  lines.push(
    '',
    `${s.configs.length} configurations${s.shard ? ` (shard ${s.shard.index}/${s.shard.total}: verdict for this shard only; stress merge gives the run's)` : ''}, ${trials.toLocaleString('en-US')} trials in ${(s.durationMs / 1000).toFixed(1)} s, seed ${visible(s.seed)}${s.interrupted ? ' (INTERRUPTED)' : ''}; exit code ${s.exitCode}`,
  );
  return lines.join('\n');
}

export function describeFailure(r: ConfigResult): string[] {
  const out: string[] = [`  ${visible(r.config.key)}: ${r.status}`];
  for (const inv of r.invariants) {
    if (inv.failures === 0) continue;
    out.push(`    ${visible(inv.name)}: ${inv.status}, ${inv.failures} of ${inv.trials} trials (${formatRate(inv.failures, inv.trials)})`);
    const s = inv.samples[0];
    if (s !== undefined) {
      out.push(`      trial ${s.trial}: ${visibleLines(s.details)}`);
      out.push(`      replay: ${replayCommand(s.replay)}`);
    }
  }
  for (const e of r.errors.samples.slice(0, 1)) {
    out.push(`    error in trial ${e.trial}${e.thread >= 0 ? `, thread ${e.thread}` : ''}: ${visible(e.name)}${e.code ? ` [${visible(e.code)}]` : ''}: ${visibleLines(e.message)}`);
    out.push(`      replay: ${replayCommand(e.replay)}`);
  }
  if (r.errors.count > 1) out.push(`    (${r.errors.count} errors in all)`);
  return out;
}

export function formatTrace(r: ConfigResult): string[] {
  const sample = r.invariants.flatMap((i) => i.samples)[0] ?? r.hangs.samples[0];
  if (sample === undefined || sample.trace.length === 0) return [];
  return traceLines(sample.trace);
}

import type { DetectionRow } from '../harness/detection.js';
import { median } from './stats.js';

const num = (x: number, digits = 0): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

function pct(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  return p >= 0.01 ? `${(100 * p).toFixed(1)}%` : `${(100 * p).toFixed(3)}%`;
}

/**
 * Ratio = naive ms to first detection / shakedown's (how many times sooner
 * shakedown catches it); ">N" when the naive loop never caught it in its
 * budget, so N is a lower bound.
 */
function ratio(r: DetectionRow, naiveMs: number): string {
  const sd = median(r.ms);
  if (!Number.isFinite(sd) || r.naive.length === 0) return 'n/a';
  const caught = r.naive.filter((n) => n.caught);
  if (caught.length === 0) return `>${num(naiveMs / sd)}`;
  return num(median(r.naive.map((n) => n.msToDetect ?? NaN)) / sd, 1);
}

/** Plain text, like the other tables, so that it pastes into BENCHMARKS.md unchanged. */
export function formatDetectionTable(rows: readonly DetectionRow[], naiveMs: number): string {
  const header = ['configuration', 'caught<=5s', 'ms to 1st', 'trials to 1st', 'p/trial', 'naive caught', 'naive ms', 'naive iters', 'ratio'];
  const body = rows.map((r) => {
    const naiveCaught = r.naive.filter((n) => n.caught);
    return [
      r.key,
      `${r.caught}/${r.reps}`,
      num(median(r.ms)),
      num(median(r.trials)),
      `${pct(r.pPerTrial)} of ${r.pTrials}`,
      r.naive.length === 0 ? '-' : `${naiveCaught.length}/${r.naive.length}${naiveCaught.length > 0 ? ` (${[...new Set(naiveCaught.map((n) => n.how))].join(',')})` : ''}`,
      naiveCaught.length === 0 ? (r.naive.length === 0 ? '-' : 'never') : num(median(naiveCaught.map((n) => n.msToDetect ?? NaN))),
      r.naive.length === 0 ? '-' : num(median(r.naive.map((n) => n.iterations))),
      ratio(r, naiveMs),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((line) => line[c]!.length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

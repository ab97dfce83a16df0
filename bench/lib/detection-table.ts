import type { NaiveResult } from '../harness/naive-loop.js';
import { median } from './stats.js';

export interface DetectionRow {
  group: 'core' | 'gallery';
  key: string;
  bug: string;
  /** Per repetition: ms and trials to first detection (NaN when not caught within GOAL_MS). */
  ms: number[];
  trials: number[];
  caught: number;
  reps: number;
  /** Failed trials / trials in a fixed-budget run (no stop at the first failure). */
  pPerTrial: number;
  pTrials: number;
  /** The naive loop at the same thread count (it has no jitter: one per suite/variant/threads). */
  naive: NaiveResult[];
}

const num = (x: number, digits = 0): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/**
 * Median with repetitions that never detected counted as infinitely late (a
 * median of the detecting ones alone would flatter a bug caught 1 time in 3).
 */
export function censoredMedian(xs: readonly number[]): number {
  const s = xs.map((x) => (Number.isFinite(x) ? x : Infinity)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const late = (x: number, cap: string): string => (x === Infinity ? cap : num(x));

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
  const sd = censoredMedian(r.ms);
  if (!Number.isFinite(sd) || r.naive.length === 0) return 'n/a';
  const caught = r.naive.filter((n) => n.caught);
  if (caught.length === 0) return `>${num(naiveMs / sd)}`;
  const naive = censoredMedian(r.naive.map((n) => n.msToDetect ?? NaN));
  return naive === Infinity ? `>${num(naiveMs / sd)}` : num(naive / sd, 1);
}

/** Plain text, like the other tables, so that it pastes into BENCHMARKS.md unchanged. */
export function formatDetectionTable(rows: readonly DetectionRow[], naiveMs: number): string {
  const header = ['configuration', 'caught<=5s', 'ms to 1st', 'trials to 1st', 'p/trial', 'naive caught', 'naive ms', 'naive iters', 'ratio'];
  const body = rows.map((r) => {
    const naiveCaught = r.naive.filter((n) => n.caught);
    return [
      r.key,
      `${r.caught}/${r.reps}`,
      late(censoredMedian(r.ms), '>5000'),
      late(censoredMedian(r.trials), 'never'),
      `${pct(r.pPerTrial)} of ${r.pTrials}`,
      r.naive.length === 0 ? '-' : `${naiveCaught.length}/${r.naive.length}${naiveCaught.length > 0 ? ` (${[...new Set(naiveCaught.map((n) => n.how))].join(',')})` : ''}`,
      r.naive.length === 0 ? '-' : late(censoredMedian(r.naive.map((n) => n.msToDetect ?? NaN)), naiveCaught.length === 0 ? 'never' : `>${naiveMs}`),
      r.naive.length === 0 ? '-' : num(median(r.naive.map((n) => n.iterations))),
      ratio(r, naiveMs),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((line) => line[c]!.length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

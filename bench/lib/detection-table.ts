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

/** One controlled canary configuration (suite/variant/threads, `--schedule ctl`): bench/harness/controlled-detection.ts. */
export interface ControlledRow {
  group: 'core' | 'gallery';
  key: string;
  /** Per repetition: ms and trials to the first controlled detection (NaN when not caught within the caps). */
  ms: number[];
  trials: number[];
  caught: number;
  reps: number;
  /** The invariant (or 'hang') of the first detection: "no deadlock or lost wakeup" is the model's named, instant finding. */
  firstInvariant: string;
  /** Failed trials / trials over a fixed controlled budget. */
  pPerTrial: number;
  pTrials: number;
  /** Scheduling steps per trial and wall µs per trial and per step over that budget (onControlledTrial summaries). */
  stepsPerTrial: number;
  usPerTrial: number;
  usPerStep: number;
  /** Trials of that budget that hit the step bound (too long to run controlled: no verdict, the configuration stops there). */
  tooLong: number;
  /** The first detection's token replayed `replayed` times with replay(): how many failed again (NaN: no token). */
  reproduced: number;
  replayed: number;
  /** The free-running median at jitter none for the same suite/variant/threads (NaN when free missed). */
  freeMs: number;
  freeTrials: number;
}

/** Free / controlled, ">N" when free never caught it (N a lower bound from the free cap), "n/a" when controlled missed. */
function speedup(free: number, controlled: number, freeCap: number): string {
  if (!Number.isFinite(controlled) || controlled <= 0) return 'n/a';
  if (!Number.isFinite(free) || free === Infinity) return `>${num(freeCap / controlled)}`;
  return num(free / controlled, 1);
}

const micro = (x: number): string => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : 'n/a');

/** Free against controlled, one line per controlled configuration; plain text like the free table. */
export function formatControlledTable(rows: readonly ControlledRow[], freeCapMs: number, watchdogMs: number): string {
  const header = ['configuration (--schedule ctl)', 'caught', 'free ms', 'ctl ms', 'ms ratio', 'free trials', 'ctl trials', 'ctl p/trial', 'replay', 'steps/trial', 'us/trial', 'us/step', 'hang: named vs watchdog'];
  const body = rows.map((r) => {
    const ctlMs = censoredMedian(r.ms);
    const ctlTrials = censoredMedian(r.trials);
    // The model's instant, named finding (all unfinished threads blocked), where free-running stress waits for the watchdog.
    const hang = r.firstInvariant === 'no deadlock or lost wakeup' || r.firstInvariant === 'hang';
    return [
      r.key,
      `${r.caught}/${r.reps}`,
      late(r.freeMs, `>${freeCapMs}`),
      late(ctlMs, '>cap'),
      speedup(r.freeMs, ctlMs, freeCapMs),
      late(r.freeTrials, 'never'),
      late(ctlTrials, 'never'),
      `${pct(r.pPerTrial)} of ${r.pTrials}${r.tooLong > 0 ? ` (${r.tooLong} too long)` : ''}`,
      Number.isFinite(r.reproduced) ? `${r.reproduced}/${r.replayed}` : '-',
      num(r.stepsPerTrial),
      micro(r.usPerTrial),
      micro(r.usPerStep),
      hang && Number.isFinite(ctlMs) ? `${num(ctlMs)} ms vs ${watchdogMs} ms (${num(watchdogMs / Math.max(ctlMs, 1))}x)` : '-',
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((line) => line[c]!.length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

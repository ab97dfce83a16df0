/**
 * Numbers in words, for every report and front end (console, files, mocha, replay): counts with
 * thousands separators and a noun that agrees, failure rates with their 95% interval, durations, and
 * the note on a configuration that stopped early. The numbers themselves (the interval) are
 * computed in harness/core/grade/stats.ts; this module only says them.
 */
import { wilson } from '../harness/core/grade/stats.js';

/** "12,345": every count in a report has thousands separators. */
export function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 configuration", "2 configurations", "12,345 failures". */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${grouped(n)} ${n === 1 ? singular : plural}`;
}

/** A failure rate with its 95% Wilson interval: `7.00% [3.43%, 13.7%]`; `n/a` with no trials. */
export function formatRate(failures: number, trials: number): string {
  if (trials === 0) return 'n/a';
  const [lo, hi] = wilson(failures, trials);
  const pct = (x: number): string => `${(x * 100).toPrecision(x === 0 ? 1 : 3)}%`;
  return `${pct(failures / trials)} [${pct(lo)}, ${pct(hi)}]`;
}

/** How often something failed: `7 of 100 trials (7.00% [3.43%, 13.7%])`, `2 of 2 runs (...)`. */
export function failedOf(failures: number, trials: number, noun = 'trial'): string {
  return `${grouped(failures)} of ${counted(trials, noun)} (${formatRate(failures, trials)})`;
}

/** A duration in seconds: `1.30 s`. */
export function seconds(ms: number, decimals: number): string {
  return `${(ms / 1000).toFixed(decimals)} s`;
}

/**
 * Says when a configuration stopped early: because --max-failures was reached (its failure rate is
 * then biased upward; it stops at a batch boundary, so more trials than the limit may have failed),
 * or after repeated hangs or crashes (each cost a timeout and a new worker group; the rest of its
 * budget was not run).
 */
export function stoppedNote(r: { stoppedAtFailures?: number; stoppedAtRecoveries?: number; notControlled?: { trial: number } }): string {
  if (r.stoppedAtRecoveries !== undefined) return ` (stopped: ${r.stoppedAtRecoveries} hangs or crashes)`;
  if (r.notControlled !== undefined) return ` (stopped: trial ${r.notControlled.trial} could not run controlled)`;
  return r.stoppedAtFailures !== undefined ? ` (stopped: max-failures ${r.stoppedAtFailures} reached)` : '';
}

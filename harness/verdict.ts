/**
 * From configuration results to the run's verdict: canaries are judged per
 * suite variant across the whole matrix (caught anywhere = the run can find
 * that bug), correct variants per configuration.
 */
import type { ConfigResult, RunSummary } from './results.js';

/** Documented exit codes of `stress`. */
export const EXIT = {
  OK: 0,
  /** An invariant failed or was flaky, a correct variant hung, or a canary survived. */
  FAILED: 1,
  /** Bad flags, config or suite module: nothing ran. */
  USAGE: 2,
  /** The harness itself or an actor errored (actor threw, worker crashed). */
  HARNESS: 3,
  /** Stopped by SIGINT/SIGTERM; what completed was reported. */
  INTERRUPTED: 130,
} as const;

export interface CanaryVerdict {
  suite: string;
  variant: string;
  bug?: string;
  caught: boolean;
  /** Configurations in which it was caught / that ran. */
  caughtIn: number;
  ran: number;
  trials: number;
  failedTrials: number;
  /** Fastest detection over the configurations that caught it. */
  firstDetectionMs?: number;
}

export function canaryVerdicts(configs: ConfigResult[]): CanaryVerdict[] {
  const byVariant = new Map<string, CanaryVerdict>();
  for (const r of configs) {
    if (!r.config.canary || r.status === 'skipped') continue;
    const id = `${r.config.suite}/${r.config.variant}`;
    let v = byVariant.get(id);
    if (v === undefined) {
      v = { suite: r.config.suite, variant: r.config.variant, caught: false, caughtIn: 0, ran: 0, trials: 0, failedTrials: 0 };
      if (r.config.bug !== undefined) v.bug = r.config.bug;
      byVariant.set(id, v);
    }
    v.ran++;
    v.trials += r.trials;
    v.failedTrials += r.failedTrials;
    if (r.canaryVerdict === 'caught') {
      v.caught = true;
      v.caughtIn++;
      if (r.firstDetection !== undefined) v.firstDetectionMs = Math.min(v.firstDetectionMs ?? Infinity, r.firstDetection.ms);
    }
  }
  return [...byVariant.values()];
}

export function exitCodeFor(summary: RunSummary): number {
  if (summary.interrupted) return EXIT.INTERRUPTED;
  const correct = summary.configs.filter((r) => !r.config.canary);
  if (correct.some((r) => r.status === 'error')) return EXIT.HARNESS;
  if (correct.some((r) => r.status === 'fail' || r.status === 'flaky' || r.status === 'hang')) return EXIT.FAILED;
  if (canaryVerdicts(summary.configs).some((v) => !v.caught)) return EXIT.FAILED;
  return EXIT.OK;
}

/**
 * From configuration results to the run's verdict: canaries are judged per
 * suite variant across the whole matrix (caught anywhere = the run can find
 * that bug), correct variants per configuration.
 */
import type { ConfigResult, RunSummary } from './results.js';
import { everyTrialErrored, isBad, shortOfBudget } from './status-rule.js';

/** Documented exit codes of `stress`. */
export const EXIT = {
  OK: 0,
  /** An invariant failed or was flaky, a correct variant hung, or a canary survived. */
  FAILED: 1,
  /** Bad flags, config or suite module: nothing ran. */
  USAGE: 2,
  /** The harness itself or an actor errored (actor threw, worker crashed), in a correct variant or in every trial of a canary. */
  HARNESS: 3,
  /**
   * Every configuration was skipped (too few cores, no CPU affinity, too few threads for the
   * suite): nothing was tested, which is not a pass. Not 1, which reports a bug found; a code of
   * its own, so CI can tell "not tested on this machine" from a failure and from bad flags (2).
   */
  NOTHING_RAN: 4,
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
  /**
   * Set when every trial errored (the actor threw, a worker crashed): the canary could not be
   * judged, which is not the same as not sensitive enough. The first error, as `name: message`.
   */
  errored?: string;
  /** Set when it survived and every configuration of it had less than MIN_JUDGING_SHARE_MS (status-rule.ts) of testing: the largest share, in ms. */
  shortOfBudgetMs?: number;
}

export function canaryVerdicts(configs: ConfigResult[]): CanaryVerdict[] {
  const byVariant = new Map<string, CanaryVerdict>();
  const errors = new Map<string, { count: number; first?: string }>();
  /** Testing time each ran configuration of a canary was given (time-budgeted runs). */
  const shareOf = new Map<string, number[]>();
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
    if (r.shareMs !== undefined) shareOf.set(id, [...(shareOf.get(id) ?? []), r.shareMs]);
    v.trials += r.trials;
    v.failedTrials += r.failedTrials;
    const e = errors.get(id) ?? { count: 0 };
    e.count += r.errors.count;
    const sample = r.errors.samples[0];
    if (e.first === undefined && sample !== undefined) e.first = `${sample.name}: ${sample.message}`;
    errors.set(id, e);
    if (r.canaryVerdict === 'caught') {
      v.caught = true;
      v.caughtIn++;
      if (r.firstDetection !== undefined) v.firstDetectionMs = Math.min(v.firstDetectionMs ?? Infinity, r.firstDetection.ms);
    }
  }
  for (const [id, v] of byVariant) {
    const e = errors.get(id)!;
    if (everyTrialErrored({ caught: v.caught, trials: v.trials, errors: e.count })) v.errored = e.first ?? `${e.count} errors`;
    const shares = shareOf.get(id) ?? [];
    if (!v.caught && v.errored === undefined && shortOfBudget(v.ran, shares)) v.shortOfBudgetMs = Math.max(...shares);
  }
  return [...byVariant.values()];
}

export function exitCodeFor(summary: RunSummary): number {
  if (summary.interrupted) return EXIT.INTERRUPTED;
  // Skipped configurations have no trials and no errors: when none ran, nothing below could fail.
  if (summary.configs.length > 0 && summary.configs.every((r) => r.status === 'skipped')) return EXIT.NOTHING_RAN;
  const correct = summary.configs.filter((r) => !r.config.canary);
  const canaries = canaryVerdicts(summary.configs);
  // A canary that errored in every trial was never judged: a harness error, like an error in a correct variant.
  if (correct.some((r) => r.status === 'error') || canaries.some((v) => v.errored !== undefined)) return EXIT.HARNESS;
  // Errors were answered above: what is bad here is a fail, flaky or hang.
  if (correct.some((r) => isBad(r.status))) return EXIT.FAILED;
  // One shard sees only its share of a canary's configurations: a canary caught in another shard
  // looks survived here. Its verdict belongs to `stress merge`, which sees them all; a shard's exit
  // code judges its correct variants, so a shard that found a real race fails its own CI job.
  // (Shard 1 of 1 is the whole matrix: its canaries are judged.)
  const wholeMatrix = summary.shard === undefined || summary.shard.total === 1;
  if (wholeMatrix && canaries.some((v) => !v.caught)) return EXIT.FAILED;
  return EXIT.OK;
}

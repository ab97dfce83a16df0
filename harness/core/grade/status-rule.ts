/**
 * The status rule: every pass/flaky/fail, configuration status, canary verdict and severity
 * decision, from counts only. Grading (grade.ts), soak and slice merges (record/soak-merge.ts,
 * record/slice-merge.ts), reading stored results back (record/results-file.ts, record/merge.ts),
 * the run's verdict (verdict.ts) and the summary table all decide through these functions, so a
 * result means the same wherever it was computed. Stored statuses are never trusted: a results
 * file is text anyone can edit.
 */
import type { ConfigResult, ConfigStatus, InvariantStatus } from './results.js';

/** Least to most severe: a configuration's status is the most severe of what happened in it. */
export const SEVERITY: readonly ConfigStatus[] = ['pass', 'flaky', 'fail', 'hang', 'error', 'skipped'];

export function worse(a: ConfigStatus, b: ConfigStatus): ConfigStatus {
  return SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b;
}

/** The most severe of `statuses`; pass for none. */
export function worst(statuses: Iterable<ConfigStatus>): ConfigStatus {
  let out: ConfigStatus = 'pass';
  for (const s of statuses) out = worse(out, s);
  return out;
}

/** Whether a correct variant's configuration with this status makes the run fail (skipped ones tested nothing). */
export function isBad(status: ConfigStatus): boolean {
  return status !== 'pass' && status !== 'skipped';
}

/** pass with no failures, fail when every trial failed, flaky in between. */
export function invariantStatus(failures: number, trials: number): InvariantStatus {
  return failures === 0 ? 'pass' : failures >= trials ? 'fail' : 'flaky';
}

export interface StatusCounts {
  trials: number;
  invariants: ReadonlyArray<{ failures: number }>;
  hangs: { count: number };
  errors: { count: number };
}

/**
 * The worst of its invariants' statuses, then hang if any trial hung, error if anything errored;
 * skipped when nothing happened at all (no trial, no error, no failure, no hang), which a graded
 * run gives only for a configuration stopped before its first batch.
 */
export function configStatus(c: StatusCounts): ConfigStatus {
  const failures = c.invariants.some((i) => i.failures > 0);
  if (c.trials === 0 && c.errors.count === 0 && c.hangs.count === 0 && !failures) return 'skipped';
  let status = worst(c.invariants.map((inv) => invariantStatus(inv.failures, c.trials)));
  if (c.hangs.count > 0) status = worse(status, 'hang');
  if (c.errors.count > 0) status = worse(status, 'error');
  return status;
}

/** A canary is caught when some trial failed one of its invariants or hung (the "no hang" invariant counts hangs). */
export function canaryCaught(c: StatusCounts): boolean {
  return c.hangs.count > 0 || c.invariants.some((i) => i.failures > 0);
}

/**
 * A canary that survived configurations given less testing time than this each was not judged
 * fairly: the budget was too small for the matrix (it is still not caught, so the run still fails,
 * but the advice is to give it time, not to change the settings).
 */
export const MIN_JUDGING_SHARE_MS = 250;

/**
 * A canary (one configuration, or a suite variant over the matrix) that was not caught and whose
 * every trial errored (the actor threw, a worker crashed) could not be judged, which is not the same
 * as not sensitive enough. Errored trials count as trials; a crash outside any trial adds an error
 * only, hence >=.
 */
export function everyTrialErrored(c: { caught: boolean; trials: number; errors: number }): boolean {
  return !c.caught && c.errors > 0 && c.errors >= c.trials;
}

/**
 * A surviving canary none of whose configurations had MIN_JUDGING_SHARE_MS of testing: not enough
 * budget to judge it. `shares`: the testing time each of its ran configurations was given (time-budgeted runs only).
 */
export function shortOfBudget(ran: number, shares: readonly number[]): boolean {
  return ran > 0 && shares.length === ran && shares.every((ms) => ms < MIN_JUDGING_SHARE_MS);
}

/**
 * A stored result with its statuses recomputed from its counts: each invariant's, the
 * configuration's, and a canary's verdict. What a results file says about them is ignored, so an
 * edited file cannot turn a failure green (the counts themselves are reported as they are).
 */
export function regraded(r: ConfigResult): ConfigResult {
  const invariants = r.invariants.map((i) => ({ ...i, status: invariantStatus(i.failures, r.trials) }));
  const status = configStatus({ trials: r.trials, invariants, hangs: r.hangs, errors: r.errors });
  const { canaryVerdict: _verdict, skippedReason, skippedInvariants, firstDetection, ...rest } = r;
  const out: ConfigResult = { ...rest, invariants, status };
  if (status === 'skipped') {
    out.skippedReason = typeof skippedReason === 'string' && skippedReason !== '' ? skippedReason : 'no trial ran';
    if (Array.isArray(skippedInvariants) && skippedInvariants.every((n) => typeof n === 'string')) out.skippedInvariants = skippedInvariants;
    return out;
  }
  const caught = canaryCaught(out);
  // A first detection with nothing detected is not one.
  if (caught && firstDetection !== undefined) out.firstDetection = firstDetection;
  if (r.config.canary) out.canaryVerdict = caught ? 'caught' : 'survived';
  return out;
}

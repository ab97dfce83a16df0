/**
 * A configuration's status from its counts: the one rule for grading a run (grade.ts) and for
 * reading stored results back (results-file.ts), where the stored status is not trusted, since a
 * results file is text anyone can edit. Pure functions of counts only.
 */
import type { ConfigResult, ConfigStatus, InvariantStatus } from './results.js';

const SEVERITY: readonly ConfigStatus[] = ['pass', 'flaky', 'fail', 'hang', 'error', 'skipped'];

export function worse(a: ConfigStatus, b: ConfigStatus): ConfigStatus {
  return SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b;
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
  let status: ConfigStatus = 'pass';
  for (const inv of c.invariants) status = worse(status, invariantStatus(inv.failures, c.trials));
  if (c.hangs.count > 0) status = worse(status, 'hang');
  if (c.errors.count > 0) status = worse(status, 'error');
  return status;
}

/** A canary is caught when some trial failed one of its invariants or hung (the "no hang" invariant counts hangs). */
export function canaryCaught(c: StatusCounts): boolean {
  return c.hangs.count > 0 || c.invariants.some((i) => i.failures > 0);
}

/**
 * A stored result with its statuses recomputed from its counts: each invariant's, the
 * configuration's, and a canary's verdict. What a results file says about them is ignored, so an
 * edited file cannot turn a failure green (the counts themselves are reported as they are).
 */
export function regraded(r: ConfigResult): ConfigResult {
  const invariants = r.invariants.map((i) => ({ ...i, status: invariantStatus(i.failures, r.trials) }));
  const status = configStatus({ trials: r.trials, invariants, hangs: r.hangs, errors: r.errors });
  const { canaryVerdict: _verdict, skippedReason, firstDetection, ...rest } = r;
  const out: ConfigResult = { ...rest, invariants, status };
  if (status === 'skipped') {
    out.skippedReason = typeof skippedReason === 'string' && skippedReason !== '' ? skippedReason : 'no trial ran';
    return out;
  }
  const caught = canaryCaught(out);
  // A first detection with nothing detected is not one.
  if (caught && firstDetection !== undefined) out.firstDetection = firstDetection;
  if (r.config.canary) out.canaryVerdict = caught ? 'caught' : 'survived';
  return out;
}

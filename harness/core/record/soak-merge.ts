/**
 * Soak runs visit each configuration once per pass; this folds one pass's
 * result into the configuration's running total. Counts add up, samples
 * keep the first SAMPLES_KEPT (so a night of failures stays a bounded
 * report), rates, intervals and statuses are recomputed from the totals.
 */
import { SAMPLES_KEPT, byCountThenName } from '../grade/grade.js';
import type { ConfigResult, InvariantResult, OutcomeCount } from '../grade/results.js';
import { wilson } from '../grade/stats.js';
import { canaryCaught, configStatus, invariantStatus } from '../grade/status-rule.js';

const firstFew = <T>(a: T[], b: T[]): T[] => [...a, ...b].slice(0, SAMPLES_KEPT);

export function accumulate(total: ConfigResult | undefined, pass: ConfigResult): ConfigResult {
  const { nextTrial: _drop, ...next } = pass;
  if (total === undefined) return next;
  if (next.status === 'skipped') return total;
  const trials = total.trials + next.trials;
  const byName = new Map(total.invariants.map((i) => [i.name, i]));
  const invariants: InvariantResult[] = next.invariants.map((n) => {
    const t = byName.get(n.name);
    const failures = (t?.failures ?? 0) + n.failures;
    return {
      name: n.name,
      trials,
      failures,
      rate: trials === 0 ? 0 : failures / trials,
      interval: wilson(failures, trials),
      status: invariantStatus(failures, trials),
      samples: firstFew(t?.samples ?? [], n.samples),
    };
  });
  const outcomes = new Map<string, OutcomeCount>(total.outcomes.map((o) => [o.outcome, { ...o }]));
  for (const o of next.outcomes) {
    const t = outcomes.get(o.outcome);
    if (t === undefined) outcomes.set(o.outcome, { ...o });
    else t.count += o.count;
  }
  const hangs = { count: total.hangs.count + next.hangs.count, samples: firstFew(total.hangs.samples, next.hangs.samples) };
  const errors = { count: total.errors.count + next.errors.count, samples: firstFew(total.errors.samples, next.errors.samples) };
  const counts = { trials, invariants, hangs, errors };
  const out: ConfigResult = {
    config: total.config,
    status: configStatus(counts),
    trials,
    failedTrials: total.failedTrials + next.failedTrials,
    invariants,
    outcomes: [...outcomes.values()].sort(byCountThenName),
    hangs,
    errors,
    durationMs: total.durationMs + next.durationMs,
    ...(total.slice ? { slice: total.slice } : {}),
  };
  const first = total.firstDetection ?? (next.firstDetection && { trial: next.firstDetection.trial, ms: total.durationMs + next.firstDetection.ms });
  if (first !== undefined) out.firstDetection = first;
  const stopped = next.stoppedAtFailures ?? total.stoppedAtFailures;
  if (stopped !== undefined) out.stoppedAtFailures = stopped;
  const recoveries = next.stoppedAtRecoveries ?? total.stoppedAtRecoveries;
  if (recoveries !== undefined) out.stoppedAtRecoveries = recoveries;
  const tooLong = total.notControlled ?? next.notControlled;
  if (tooLong !== undefined) out.notControlled = tooLong;
  if (out.config.canary) out.canaryVerdict = canaryCaught(counts) ? 'caught' : 'survived';
  return out;
}

/**
 * One configuration of the plan, run to its result: whole, or this shard's slice of its trials,
 * on all cores (in this process's worker groups) or pinned to some (in a child process).
 */
import { executeConfiguration } from './execute/executor.js';
import type { WorkerGroups } from './execute/pools.js';
import { cpuListFor, executeConfigurationPinned } from './execute/pinned.js';
import type { PlannedConfig } from './plan/plan.js';
import { SLICE_TRIAL_SPAN, type TrialSlice } from './plan/shard.js';
import type { ConfigResult, Configuration } from './grade/results.js';
import { gradedInvariants } from './grade/grade.js';
import type { AnySuite } from './plan/load-suite.js';
import type { ScheduleSpec } from './schedule/types.js';
import { type ControlledSearchState, searchControlled, shouldSearch } from './controlled-search.js';

export interface ConfigRunOptions {
  maxFailures?: number;
  firstTrial?: number;
  onBatch?: (trials: number, failedTrials: number) => void;
  groups?: WorkerGroups;
  timeoutMs: number;
  traceEvents: number;
  budget: { runs?: number; timeMs?: number };
  fixedSeedTrial?: number;
  /** Replay of a controlled trial: every trial runs controlled under this exact schedule (from the token). */
  scheduleSpec?: ScheduleSpec;
  /**
   * Set by a run (not a replay): after a free configuration fails an invariant or hangs, search
   * controlled schedules of it for an exact replay (controlled-search.ts), once per controlled
   * twin and invariant per run: the answers are kept here, across configurations and soak passes.
   */
  controlledSearch?: ControlledSearchState;
  signal?: AbortSignal;
}

/** A configuration of the plan as this shard runs it: whole, or one slice of its trials. */
export interface PlannedWork extends PlannedConfig {
  slice?: TrialSlice;
}

/**
 * Runs one configuration, or this shard's slice of it: the slice's trials (its own --runs share,
 * from its first trial index, unless a soak pass continues from a later one), and the result says
 * which slice it is.
 */
export async function runConfiguration(p: PlannedWork, o: ConfigRunOptions): Promise<ConfigResult> {
  const slice = p.slice;
  if (slice === undefined) return runUnsliced(p, o);
  const firstTrial = o.firstTrial ?? slice.firstTrial;
  // A time-budgeted slice (soak passes included) never runs into the next slice's trial indices.
  const leftInSpan = slice.firstTrial + SLICE_TRIAL_SPAN - firstTrial;
  if (slice.runs === undefined && leftInSpan <= 0) return { ...skipped(p.config, `trial slice ${slice.index}/${slice.total} has run all ${SLICE_TRIAL_SPAN} of its trial indices`, p.suite), slice: { index: slice.index, total: slice.total, firstTrial: slice.firstTrial } };
  const result = await runUnsliced(p, {
    ...o,
    firstTrial,
    budget: slice.runs !== undefined ? { runs: slice.runs } : { ...o.budget, runs: Math.min(o.budget.runs ?? Infinity, leftInSpan) },
  });
  // nextTrial is for a soak's next pass only (it asked by giving firstTrial).
  const { nextTrial, ...rest } = result;
  return { ...rest, slice: { index: slice.index, total: slice.total, firstTrial: slice.firstTrial }, ...(o.firstTrial !== undefined && nextTrial !== undefined ? { nextTrial } : {}) };
}

/**
 * The configuration's trials, then, for a free one that failed, the controlled search (bounded by
 * its own share of a time budget, or by trials with --runs), whose answer its first failure
 * samples carry.
 */
async function runUnsliced(p: PlannedConfig, o: ConfigRunOptions): Promise<ConfigResult> {
  return searchAfterFailure(p, await executeWork(p, o), o);
}

/**
 * For a free configuration that failed (and has a controlled twin), the controlled search; its
 * answer goes into the first failure samples. Otherwise the result as it is.
 */
export async function searchAfterFailure(p: PlannedConfig, result: ConfigResult, o: ConfigRunOptions): Promise<ConfigResult> {
  const search = o.controlledSearch;
  // A suite that runs free only (controlled: false) has no controlled twin to search.
  if (search === undefined || p.suite.controlled === false || !shouldSearch(result, o.signal)) return result;
  return searchControlled(p.suite, result, search, {
    timeoutMs: o.timeoutMs,
    traceEvents: o.traceEvents,
    ...(o.budget.timeMs !== undefined && Number.isFinite(o.budget.timeMs) ? { shareMs: o.budget.timeMs } : {}),
    ...(o.groups ? { groups: o.groups } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
}

/** The configuration's own trials: skipped, in this process, or in a child confined to its --cores. */
async function executeWork(p: PlannedConfig, o: ConfigRunOptions): Promise<ConfigResult> {
  if (p.skip !== undefined) return skipped(p.config, p.skip, p.suite);
  const shouldStop = (): boolean => o.signal?.aborted ?? false;
  // Controlled configurations are planned at cores 'all' only; a schedule spec with pinned cores
  // (a token from a free pinned configuration's controlled search) runs here too, since under
  // control one thread runs at a time and the pinned child takes no schedule.
  if (p.config.cores === 'all' || o.scheduleSpec !== undefined) {
    return executeConfiguration(p.suite, p.config, {
      timeoutMs: o.timeoutMs,
      traceEvents: o.traceEvents,
      budget: o.budget,
      shouldStop,
      ...(o.onBatch ? { onBatch: o.onBatch } : {}),
      ...(o.maxFailures !== undefined ? { maxFailures: o.maxFailures } : {}),
      ...(o.groups ? { groups: o.groups } : {}),
      ...(o.fixedSeedTrial !== undefined ? { fixedSeedTrial: o.fixedSeedTrial } : {}),
      ...(o.firstTrial !== undefined ? { firstTrial: o.firstTrial } : {}),
      ...(o.scheduleSpec !== undefined ? { scheduleSpec: o.scheduleSpec } : {}),
    });
  }
  return executeConfigurationPinned(
    {
      config: p.config,
      timeoutMs: o.timeoutMs,
      traceEvents: o.traceEvents,
      budget: o.budget,
      ...(o.maxFailures !== undefined ? { maxFailures: o.maxFailures } : {}),
      ...(o.fixedSeedTrial !== undefined ? { fixedSeedTrial: o.fixedSeedTrial } : {}),
      ...(o.firstTrial !== undefined ? { firstTrial: o.firstTrial } : {}),
    },
    cpuListFor(p.config.cores),
    o.signal,
    o.onBatch,
  );
}

export function skipped(config: Configuration, reason: string, suite?: AnySuite): ConfigResult {
  return {
    config,
    status: 'skipped',
    skippedReason: reason,
    ...(suite !== undefined ? { skippedInvariants: gradedInvariants(suite, config) } : {}),
    trials: 0,
    failedTrials: 0,
    invariants: [],
    outcomes: [],
    hangs: { count: 0, samples: [] },
    errors: { count: 0, samples: [] },
    durationMs: 0,
  };
}

/**
 * The programmatic API shared by the CLI, the reporters and the mocha
 * integration: `run(options)` yields typed events and returns the summary.
 */
import { executeConfiguration } from './execute/executor.js';
import { WorkerGroups } from './execute/pools.js';
import { HarnessError } from './shared/errors.js';
import { executeConfigurationPinned, hasAffinity } from './execute/pinned.js';
import { type PlannedConfig, plan } from './plan/plan.js';
import type { ConfigResult, Configuration, RunSummary, SoakInfo } from './grade/results.js';
import { soakPasses } from './soak.js';
import { newSeed } from './shared/rng.js';
import type { Params } from '../suite-api.js';
import { exitCodeFor } from './grade/verdict.js';
import { SLICE_TRIAL_SPAN, type Shard, type TrialSlice, shardItems } from './plan/shard.js';
import { checkRunOptions } from './settings/run-options.js';
import { TimeShares } from './execute/time-share.js';

export interface RunOptions {
  suites?: string[];
  threads?: number[];
  cores?: Array<'all' | number>;
  jitter?: string[];
  /** Trials per configuration. Takes precedence over timeBudgetMs. */
  runs?: number;
  /** Wall time for the whole matrix, spread evenly over its configurations (with durationMs: the length of one pass). */
  timeBudgetMs?: number;
  /** Soak: repeat passes over the matrix until this much wall time is up (see soak.ts). */
  durationMs?: number;
  seed?: string;
  /** Per-trial hang timeout in ms. */
  timeoutMs?: number;
  failFast?: boolean;
  /** Per configuration: stop once this many trials have failed (a detection is enough; saves time on canaries). */
  maxFailures?: number;
  /** Heap limit of each trial worker in MB (default 1024). */
  workerHeapMb?: number;
  grep?: string;
  params?: Params;
  /** Conformance suites: implementation module URL by kind (`--impl lock=./x.js`). */
  impls?: Record<string, string>;
  traceEvents?: number;
  /** Run only this shard's part of the plan (see shard.ts). */
  shard?: Shard;
  signal?: AbortSignal;
}

/** The settings that shaped a run but are not in its results: reporters and result files record them. */
export interface RunSettings {
  runs?: number;
  timeBudgetMs?: number;
  /** Per configuration: stopped once this many trials failed (shards merged together must agree). */
  maxFailures?: number;
  /** Soak runs: their whole length. */
  durationMs?: number;
  timeoutMs: number;
  traceEvents: number;
  shard?: Shard;
}

export type RunEvent =
  | {
      type: 'run-start';
      seed: string;
      /** The configurations this run will execute (this shard's, when sharded). */
      configs: Configuration[];
      /** Keys of the whole plan, unsharded, in plan order: shards of one run share it. */
      plan: string[];
      settings: RunSettings;
      startedAt: string;
      /** Time-budgeted runs: the least testing time each configuration gets (budget / runnable configurations). */
      minShareMs?: number;
    }
  | { type: 'config-start'; config: Configuration; index: number; total: number }
  /** `configsLeft`: configurations not finished yet (during one, it counts itself). */
  | { type: 'progress'; config: Configuration; trials: number; elapsedMs: number; totalTrials: number; totalFailures: number; configsLeft: number }
  | { type: 'config-end'; result: ConfigResult; index: number; total: number }
  /** Soak runs, after each pass: the totals so far, for a checkpoint file. */
  | { type: 'checkpoint'; summary: RunSummary }
  | { type: 'run-end'; summary: RunSummary };

export const DEFAULT_TIME_BUDGET_MS = 60_000;
export const DEFAULT_TIMEOUT_MS = 1000;
export const DEFAULT_TRACE_EVENTS = 48;
/** Progress events during a configuration come at most this often. */
const PROGRESS_EVERY_MS = 1000;

export async function* run(options: RunOptions = {}): AsyncGenerator<RunEvent, RunSummary> {
  checkRunOptions(options);
  const seed = options.seed ?? newSeed();
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const full = await plan(
    {
      suites: options.suites ?? [],
      seed,
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.cores ? { cores: options.cores } : {}),
      ...(options.jitter ? { jitter: options.jitter } : {}),
      ...(options.grep ? { grep: options.grep } : {}),
      ...(options.params ? { params: options.params } : {}),
      ...(options.impls ? { impls: options.impls } : {}),
    },
    hasAffinity(),
  );
  if (full.length === 0) throw new HarnessError('ERR_USAGE', 'no configuration matches (check --grep, suite names and thread counts)');
  // A shard's work: whole configurations, or slices of their trials when there are more shards
  // than configurations (see shard.ts).
  const planned: PlannedWork[] = shardItems(full.length, options.shard, options.runs).map(({ planIndex, slice }) => ({ ...full[planIndex]!, ...(slice ? { slice } : {}) }));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const traceEvents = options.traceEvents ?? DEFAULT_TRACE_EVENTS;
  const settings: RunSettings = {
    timeoutMs,
    traceEvents,
    ...(options.runs !== undefined ? { runs: options.runs } : { timeBudgetMs: options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS }),
    ...(options.maxFailures !== undefined ? { maxFailures: options.maxFailures } : {}),
    ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
  };
  // A time budget is testing time, shared out as the run goes (time-share.ts): every configuration
  // gets at least an equal share, and what one leaves unused goes to the rest.
  const shares = new TimeShares(options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS, planned.map((p) => p.skip === undefined), t0);
  const timed = options.runs === undefined && options.durationMs === undefined;
  yield { type: 'run-start', seed, configs: planned.map((p) => p.config), plan: full.map((p) => p.config.key), settings, startedAt, ...(timed ? { minShareMs: shares.equalShareMs } : {}) };
  const shareMs = (index: number): number => shares.shareFor(index, performance.now());
  const results: ConfigResult[] = [];
  let totalTrials = 0;
  let totalFailures = 0;
  let stopped = false;
  let stoppedEarly: RunSummary['stoppedEarly'];
  const stop = (): boolean => stopped || (options.signal?.aborted ?? false);

  const groups = new WorkerGroups(options.workerHeapMb);
  let soak: SoakInfo | undefined;
  try {
    if (options.durationMs !== undefined) {
      const base = { seed, startedAt, interrupted: false, exitCode: 0, ...(options.shard ? { shard: options.shard } : {}) };
      soak = yield* soakPasses(planned, {
        t0,
        durationMs: options.durationMs,
        passMs: options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS,
        base,
        one: { timeoutMs, traceEvents, budget: {}, groups, ...(options.maxFailures !== undefined ? { maxFailures: options.maxFailures } : {}), ...(options.signal ? { signal: options.signal } : {}) },
        stop,
        results,
      });
    }
    // A soak has already run its passes and yielded its configurations.
    for (let index = 0; soak === undefined && index < planned.length; index++) {
      if (stop()) break;
      const p = planned[index]!;
      yield { type: 'config-start', config: p.config, index, total: planned.length };
      // Progress arrives from the executor's batch callback; queue it and yield it from here.
      const pendingEvents: RunEvent[] = [];
      let wake: (() => void) | null = null;
      let lastProgress = performance.now();
      const configsLeft = planned.length - index - 1;
      const onBatch = (trials: number, failed: number): void => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = now;
        pendingEvents.push({
          type: 'progress',
          config: p.config,
          trials,
          elapsedMs: now - t0,
          totalTrials: totalTrials + trials,
          totalFailures: totalFailures + failed,
          // Not finished yet: this one, still running, and those after it.
          configsLeft: configsLeft + 1,
        });
        wake?.();
      };
      let settled: { result: ConfigResult } | { error: unknown } | undefined;
      runOne(p, {
        timeoutMs,
        traceEvents,
        budget: options.runs !== undefined ? { runs: options.runs } : { timeMs: shareMs(index) },
        onBatch,
        groups,
        ...(options.maxFailures !== undefined ? { maxFailures: options.maxFailures } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }).then(
        (result) => {
          settled = { result };
          wake?.();
        },
        (error: unknown) => {
          settled = { error };
          wake?.();
        },
      );
      while (settled === undefined || pendingEvents.length > 0) {
        const next = pendingEvents.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
      const outcome = settled;
      if ('error' in outcome) throw outcome.error;
      const result = outcome.result;
      results.push(result);
      totalTrials += result.trials;
      totalFailures += result.failedTrials;
      yield {
        type: 'progress',
        config: p.config,
        trials: result.trials,
        elapsedMs: performance.now() - t0,
        totalTrials,
        totalFailures,
        configsLeft,
      };
      yield { type: 'config-end', result, index, total: planned.length };
      if (options.failFast && !p.config.canary && result.status !== 'pass' && result.status !== 'skipped') {
        stopped = true;
        if (index + 1 < planned.length) stoppedEarly = { reason: `--fail-fast after ${p.config.key}`, notRun: planned.length - index - 1 };
      }
    }
  } finally {
    await groups.close();
  }
  const interrupted = options.signal?.aborted ?? false;
  const summary: RunSummary = {
    seed,
    startedAt,
    durationMs: performance.now() - t0,
    configs: results,
    interrupted,
    exitCode: 0,
    ...(options.shard ? { shard: options.shard } : {}),
    ...(soak ? { soak } : {}),
    ...(stoppedEarly ? { stoppedEarly } : {}),
  };
  summary.exitCode = exitCodeFor(summary);
  yield { type: 'run-end', summary };
  return summary;
}

export interface OneOptions {
  maxFailures?: number;
  firstTrial?: number;
  onBatch?: (trials: number, failedTrials: number) => void;
  groups?: WorkerGroups;
  timeoutMs: number;
  traceEvents: number;
  budget: { runs?: number; timeMs?: number };
  fixedSeedTrial?: number;
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
export async function runOne(p: PlannedWork, o: OneOptions): Promise<ConfigResult> {
  const slice = p.slice;
  if (slice === undefined) return runWhole(p, o);
  const firstTrial = o.firstTrial ?? slice.firstTrial;
  // A time-budgeted slice (soak passes included) never runs into the next slice's trial indices.
  const leftInSpan = slice.firstTrial + SLICE_TRIAL_SPAN - firstTrial;
  if (slice.runs === undefined && leftInSpan <= 0) return { ...skipped(p.config, `trial slice ${slice.index}/${slice.total} has run all ${SLICE_TRIAL_SPAN} of its trial indices`), slice: { index: slice.index, total: slice.total, firstTrial: slice.firstTrial } };
  const result = await runWhole(p, {
    ...o,
    firstTrial,
    budget: slice.runs !== undefined ? { runs: slice.runs } : { ...o.budget, runs: Math.min(o.budget.runs ?? Infinity, leftInSpan) },
  });
  // nextTrial is for a soak's next pass only (it asked by giving firstTrial).
  const { nextTrial, ...rest } = result;
  return { ...rest, slice: { index: slice.index, total: slice.total, firstTrial: slice.firstTrial }, ...(o.firstTrial !== undefined && nextTrial !== undefined ? { nextTrial } : {}) };
}

async function runWhole(p: PlannedConfig, o: OneOptions): Promise<ConfigResult> {
  if (p.skip !== undefined) return skipped(p.config, p.skip);
  const shouldStop = (): boolean => o.signal?.aborted ?? false;
  if (p.config.cores === 'all') {
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
    p.config.cores,
    o.signal,
    o.onBatch,
  );
}

function skipped(config: Configuration, reason: string): ConfigResult {
  return {
    config,
    status: 'skipped',
    skippedReason: reason,
    trials: 0,
    failedTrials: 0,
    invariants: [],
    outcomes: [],
    hangs: { count: 0, samples: [] },
    errors: { count: 0, samples: [] },
    durationMs: 0,
  };
}

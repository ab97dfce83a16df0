/**
 * The programmatic API shared by the CLI, the reporters and the mocha
 * integration: `run(options)` yields typed events and returns the summary.
 * A run plans its configurations, runs each (runConfiguration, or soak passes over all of
 * them) and sums them up; the stages below it know nothing of events.
 */
import { WorkerGroups } from './execute/pools.js';
import { HarnessError } from './shared/errors.js';
import { hasAffinity } from './execute/pinned.js';
import { jobsFor, runCpus } from './parallel/lane-plan.js';
import { type Lanes, runParallel } from './parallel/parallel-run.js';
import { plan } from './plan/plan.js';
import type { ConfigResult, RunSummary, SoakInfo } from './grade/results.js';
import { soakPasses } from './soak.js';
import { newSeed } from './shared/rng.js';
import { exitCodeFor } from './grade/verdict.js';
import { isBad } from './grade/status-rule.js';
import { shardItems } from './plan/shard.js';
import { checkRunOptions, type RunOptions, type RunSettings } from './settings/run-options.js';
import { type CompleteRunOptions, withDefaults } from './settings/resolve.js';
import { TimeShares } from './execute/time-share.js';
import type { RunEvent } from './events.js';
import { type ConfigRunOptions, type PlannedWork, runConfiguration } from './run-configuration.js';
import { newSearchState } from './controlled-search.js';

/** Progress events during a configuration come at most this often. */
const PROGRESS_EVERY_MS = 1000;

/** What every configuration of one run shares while the run goes on. */
interface RunState {
  readonly options: CompleteRunOptions;
  readonly t0: number;
  readonly one: ConfigRunOptions;
  readonly results: ConfigResult[];
  totalTrials: number;
  totalFailures: number;
  stoppedEarly?: RunSummary['stoppedEarly'];
}

export async function* run(given: RunOptions = {}): AsyncGenerator<RunEvent, RunSummary> {
  checkRunOptions(given);
  // The defaults come from the resolve step (settings/resolve.ts), as they do for the CLI and mocha.
  const options = withDefaults(given);
  const seed = options.seed ?? newSeed();
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const { full, planned } = await planWork(options, seed);
  const lanes = lanesOf(options);
  const settings = settingsOf(options, lanes);
  // A time budget is testing time, shared out as the run goes (time-share.ts): every configuration
  // gets at least an equal share, and what one leaves unused goes to the rest.
  const shares = new TimeShares(options.timeBudgetMs, planned.map((p) => p.skip === undefined), t0);
  const timed = options.runs === undefined && options.durationMs === undefined;
  yield { type: 'run-start', seed, configs: planned.map((p) => p.config), plan: full.map((p) => p.config.key), settings, startedAt, ...(timed ? { minShareMs: shares.equalShareMs } : {}) };

  const groups = new WorkerGroups(options.workerHeapMb);
  const one: ConfigRunOptions = {
    timeoutMs: settings.timeoutMs,
    traceEvents: settings.traceEvents,
    budget: {},
    groups,
    // A free configuration that fails gets a bounded controlled search for an exact replay, once per run.
    controlledSearch: newSearchState(),
    ...(options.maxFailures !== undefined ? { maxFailures: options.maxFailures } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const state: RunState = { options, t0, one, results: [], totalTrials: 0, totalFailures: 0 };
  let soak: SoakInfo | undefined;
  try {
    if (options.durationMs !== undefined) {
      const base = { seed, startedAt, interrupted: false, exitCode: 0, ...(options.shard ? { shard: options.shard } : {}) };
      const stop = (): boolean => options.signal?.aborted ?? false;
      soak = yield* soakPasses(planned, { t0, durationMs: options.durationMs, passMs: options.timeBudgetMs, base, one, stop, results: state.results, ...(lanes ? { lanes } : {}) });
    } else if (lanes !== undefined) {
      yield* runSideBySide(planned, state, lanes, (index, now) => shares.shareFor(index, now), shares.equalShareMs);
    } else {
      yield* runInOrder(planned, state, (index) => shares.shareFor(index, performance.now()));
    }
  } finally {
    await groups.close();
  }
  const summary: RunSummary = {
    seed,
    startedAt,
    durationMs: performance.now() - t0,
    configs: state.results,
    interrupted: options.signal?.aborted ?? false,
    exitCode: 0,
    ...(options.shard ? { shard: options.shard } : {}),
    ...(soak ? { soak } : {}),
    ...(state.stoppedEarly ? { stoppedEarly: state.stoppedEarly } : {}),
  };
  summary.exitCode = exitCodeFor(summary);
  yield { type: 'run-end', summary };
  return summary;
}

/** The whole plan, and this shard's part of it: whole configurations, or slices of their trials when there are more shards than configurations (see shard.ts). */
async function planWork(options: CompleteRunOptions, seed: string): Promise<{ full: PlannedWork[]; planned: PlannedWork[] }> {
  const full = await plan(
    {
      suites: options.suites ?? [],
      seed,
      ...(options.threads ? { threads: options.threads } : {}),
      cores: options.cores,
      jitter: options.jitter,
      schedule: options.schedule,
      ...(options.grep ? { grep: options.grep } : {}),
      ...(options.params ? { params: options.params } : {}),
      ...(options.impls ? { impls: options.impls } : {}),
    },
    hasAffinity(),
  );
  if (full.length === 0) throw new HarnessError('ERR_USAGE', 'no configuration matches (check --grep, suite names and thread counts)');
  const planned = shardItems(full.length, options.shard, options.runs).map(({ planIndex, slice }) => ({ ...full[planIndex]!, ...(slice ? { slice } : {}) }));
  return { full, planned };
}

/** The machine as a --jobs run uses it; undefined for one group at a time (--jobs 1, or a machine of one core). */
function lanesOf(options: CompleteRunOptions): Lanes | undefined {
  const cpus = runCpus();
  const jobs = Math.min(jobsFor(options.jobs, cpus.length), cpus.length);
  if (jobs <= 1) return undefined;
  return { jobs, cpus, affinity: hasAffinity(), ...(options.workerHeapMb !== undefined ? { workerHeapMb: options.workerHeapMb } : {}) };
}

/** The settings reporters and result files record beside the results. */
function settingsOf(options: CompleteRunOptions, lanes: Lanes | undefined): RunSettings {
  return {
    ...(lanes !== undefined ? { jobs: lanes.jobs } : {}),
    timeoutMs: options.timeoutMs,
    traceEvents: options.traceEvents,
    ...(options.runs !== undefined ? { runs: options.runs } : { timeBudgetMs: options.timeBudgetMs }),
    ...(options.maxFailures !== undefined ? { maxFailures: options.maxFailures } : {}),
    ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
  };
}

/** Runs the planned configurations one after another, each with its trial count or its share of the time budget, until done, stopped or failed fast. */
async function* runInOrder(planned: PlannedWork[], state: RunState, shareMs: (index: number) => number): AsyncGenerator<RunEvent, void> {
  const { options } = state;
  for (let index = 0; index < planned.length; index++) {
    if (options.signal?.aborted) return;
    const p = planned[index]!;
    yield { type: 'config-start', config: p.config, index, total: planned.length };
    const budget = options.runs !== undefined ? { runs: options.runs } : { timeMs: shareMs(index) };
    const result = yield* runWithProgress(p, state, budget, planned.length - index - 1);
    state.results.push(result);
    state.totalTrials += result.trials;
    state.totalFailures += result.failedTrials;
    yield {
      type: 'progress',
      config: p.config,
      trials: result.trials,
      elapsedMs: performance.now() - state.t0,
      totalTrials: state.totalTrials,
      totalFailures: state.totalFailures,
      configsLeft: planned.length - index - 1,
    };
    yield { type: 'config-end', result, index, total: planned.length };
    if (options.failFast && !p.config.canary && isBad(result.status)) {
      if (index + 1 < planned.length) state.stoppedEarly = { reason: `--fail-fast after ${p.config.key}`, notRun: planned.length - index - 1 };
      return;
    }
  }
}

/** A --jobs run (parallel/parallel-run.ts): the results in plan order, whatever order they ended in. */
async function* runSideBySide(planned: PlannedWork[], state: RunState, lanes: Lanes, shareMs: (index: number, now: number) => number, minShareMs: number): AsyncGenerator<RunEvent, void> {
  const { options } = state;
  const pass = yield* runParallel({
    items: planned,
    lanes,
    one: state.one,
    budgetOf: (index, now) => (options.runs !== undefined ? { runs: options.runs } : { timeMs: shareMs(index, now) }),
    ...(options.runs !== undefined ? { runs: options.runs } : { minShareMs }),
    failFast: options.failFast,
    announce: true,
    t0: state.t0,
    trialsBefore: 0,
    failuresBefore: 0,
  });
  for (const result of pass.results) if (result !== undefined) state.results.push(result);
  if (pass.stoppedEarly !== undefined && pass.stoppedEarly.notRun > 0) state.stoppedEarly = pass.stoppedEarly;
}

/**
 * Runs one configuration and yields its progress events as they come: the executor reports each
 * batch through a callback, which cannot yield, so events queue here and the generator wakes on
 * each (or on the result).
 */
async function* runWithProgress(p: PlannedWork, state: RunState, budget: ConfigRunOptions['budget'], configsAfter: number): AsyncGenerator<RunEvent, ConfigResult> {
  const pendingEvents: RunEvent[] = [];
  let wake: (() => void) | null = null;
  let lastProgress = performance.now();
  const onBatch = (trials: number, failed: number): void => {
    const now = performance.now();
    if (now - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = now;
    pendingEvents.push({
      type: 'progress',
      config: p.config,
      trials,
      elapsedMs: now - state.t0,
      totalTrials: state.totalTrials + trials,
      totalFailures: state.totalFailures + failed,
      // Not finished yet: this one, still running, and those after it.
      configsLeft: configsAfter + 1,
    });
    wake?.();
  };
  let settled: { result: ConfigResult } | { error: unknown } | undefined;
  runConfiguration(p, { ...state.one, budget, onBatch }).then(
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
    // Woken by the next progress event or by the result; both set `wake` before calling it.
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = null;
  }
  const outcome: { result: ConfigResult } | { error: unknown } = settled;
  if ('error' in outcome) throw outcome.error;
  return outcome.result;
}

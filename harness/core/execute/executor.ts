/**
 * The execute stage's entry for one configuration: a group of exactly `threads` workers, one per
 * thread index (pools.ts), running batches of trials with fresh state each (batch-loop.ts), with
 * a watchdog on the main thread (batch-watch.ts) and recovery from hangs and crashes by replacing
 * the group (recovery.ts).
 */
import { availableParallelism } from 'node:os';
import { WorkerGroups } from './pools.js';
import { ConfigGrader } from '../grade/grade.js';
import { type JitterProfile, jitterProfile } from './jitter.js';
import type { AnySuite } from '../plan/load-suite.js';
import type { ConfigResult, Configuration } from '../grade/results.js';
import type { SuiteContext } from '../../suite-api.js';
import type { ExecuteOptions } from './execute-options.js';
import { BatchMemory } from './batch-memory.js';
import { TrialQueue } from './trial-queue.js';
import { type BatchesEnd, runBatches } from './batch-loop.js';
import { SuiteCodeError, checkedThreadName, suiteHook } from './suite-code.js';
import { prepareTimeoutMs, withDeadline } from '../shared/deadline.js';
import { ScheduleDispatch, type ScheduleOptions } from './schedule-dispatch.js';
import type { DispatchContext } from './batch-dispatch.js';
import { EXPLAIN_MAX_MS, EXPLAIN_MAX_RERUNS, explainFailures } from './explain.js';
import { NamingGrader, trialRerunner } from './trial-rerun.js';
import { type InWorkerLayout, measureLayout, runsInWorkers } from './in-worker-layout.js';

import { MAX_RECOVERIES } from './recovery.js';

export { MAX_RECOVERIES };

/** What one configuration's batches share, once the suite's main-thread hooks have run. */
interface PreparedConfiguration {
  jitter: JitterProfile;
  threadNames: string[];
  memory: BatchMemory;
  hookLimitMs: number;
  /** Set when the workers set up and grade the trials (in-worker-layout.ts). */
  inWorker?: { layout: InWorkerLayout; ctx: SuiteContext };
}

export async function executeConfiguration(suite: AnySuite, config: Configuration, options: ExecuteOptions): Promise<ConfigResult> {
  const started = performance.now();
  // A trial kept with its whole interleaving gets its words named from its state.
  const grader = options.scheduleLogTrial !== undefined ? new NamingGrader(suite, config, options.timeoutMs, options.traceEvents) : new ConfigGrader(suite, config, options.timeoutMs, options.traceEvents);
  let prepared: PreparedConfiguration;
  try {
    prepared = await prepareConfiguration(suite, config, options);
  } catch (err) {
    // Before any trial ran (threadName or prepare threw): the configuration reports the error, the run goes on.
    if (!(err instanceof SuiteCodeError)) throw err;
    grader.addCrash(err.trial, err.message, 'SuiteError');
    return grader.result(performance.now() - started);
  }
  const groups = options.groups ?? new WorkerGroups();
  await groups.claim(config.threads, `${config.suiteUrl} ${typeof config.params.impl === 'string' ? config.params.impl : ''}`);
  const firstTrial = options.firstTrial ?? 0;
  const queue = new TrialQueue(firstTrial, firstTrial + (options.budget.runs ?? Infinity));
  const cores = config.cores === 'all' ? availableParallelism() : config.cores;
  const schedule = scheduleDispatch(config, options);
  const dispatch: DispatchContext = {
    config,
    threadNames: prepared.threadNames,
    jitter: prepared.jitter,
    // Under control only one thread runs at a time: threads must not spin at the gate for the cores.
    pureSpin: schedule === undefined && config.threads <= cores,
    timeoutMs: options.timeoutMs,
    traceEvents: options.traceEvents,
    fixedSeedTrial: options.fixedSeedTrial ?? null,
    groups,
    ...(schedule !== undefined ? { schedule } : {}),
    // Pinning one thread per core only makes sense when each has a core of its own and runs free.
    ...(options.threadCpus !== undefined && schedule === undefined && options.threadCpus.length >= config.threads ? { threadCpus: options.threadCpus } : {}),
  };
  let end: BatchesEnd;
  let result: ConfigResult;
  try {
    end = await runBatches({ suite, dispatch, grader, memory: prepared.memory, queue, hookLimitMs: prepared.hookLimitMs, options, ...(prepared.inWorker ? { inWorker: prepared.inWorker } : {}) });
    result = configurationResult(grader, options, end, queue.nextTrial, performance.now() - started);
    if (explains(config, options, result)) {
      const rerun = trialRerunner({ suite, config, dispatch, memory: prepared.memory, hookLimitMs: prepared.hookLimitMs, options });
      const explained = await explainFailures(result, rerun, explainLimits(options), options.shouldStop);
      for (const e of explained) options.onExplained?.(e);
      // The explanation is part of the configuration's time (the run's later shares are smaller by it).
      result.durationMs = performance.now() - started;
    }
  } finally {
    if (options.groups === undefined) await groups.close();
  }
  return result;
}

/**
 * A controlled configuration's failures are explained (explain.ts) unless it is itself a rerun or
 * a replay (a fixed spec: the token's schedule is what is shown), or the run is stopping.
 */
function explains(config: Configuration, options: ExecuteOptions, result: ConfigResult): boolean {
  if (config.schedule === undefined || options.scheduleSpec !== undefined || options.scheduleLogTrial !== undefined) return false;
  if (options.shouldStop?.() === true || (options.explainLimits?.maxReruns ?? 1) <= 0) return false;
  return result.invariants.some((i) => i.failures > 0 && i.samples[0]?.schedule !== undefined);
}

/**
 * The explanation's bound: EXPLAIN_MAX_RERUNS reruns or EXPLAIN_MAX_MS, and never longer than the
 * configuration's own time share (a short share is not tripled by its explanation).
 */
function explainLimits(options: ExecuteOptions): { maxReruns: number; maxMs: number } {
  const share = options.budget.timeMs ?? Infinity;
  return { maxReruns: options.explainLimits?.maxReruns ?? EXPLAIN_MAX_RERUNS, maxMs: Math.min(options.explainLimits?.maxMs ?? EXPLAIN_MAX_MS, share) };
}

/** The executor's side of controlled scheduling, for a configuration with a schedule. */
function scheduleDispatch(config: Configuration, options: ExecuteOptions): ScheduleDispatch | undefined {
  if (config.schedule === undefined) return undefined;
  const o: ScheduleOptions = {};
  if (options.scheduleSpec !== undefined) o.fixedSpec = options.scheduleSpec;
  if (options.scheduleLogTrial !== undefined) o.logTrial = options.scheduleLogTrial;
  if (options.maxSteps !== undefined) o.maxSteps = options.maxSteps;
  if (options.maxIdleSteps !== undefined) o.maxIdleSteps = options.maxIdleSteps;
  return new ScheduleDispatch(config.schedule, config.seed, config.key, config.threads, o);
}

/** The suite's main-thread hooks before the first batch: thread names and prepare(). Throws SuiteCodeError when they fail. */
async function prepareConfiguration(suite: AnySuite, config: Configuration, options: ExecuteOptions): Promise<PreparedConfiguration> {
  const jitter = jitterProfile(config.jitter);
  const ctx: SuiteContext = { threads: config.threads, params: config.params, variant: config.variant };
  const threadNames = Array.from({ length: config.threads }, (_, t) => suiteHook('threadName', 0, () => checkedThreadName(suite.threadName?.(t, ctx) ?? `t${t}`)));
  const hookLimitMs = prepareTimeoutMs(options.timeoutMs);
  try {
    await withDeadline(suite.prepare?.(ctx), hookLimitMs, 'prepare() on the main thread');
  } catch (err) {
    throw new SuiteCodeError('prepare', options.firstTrial ?? 0, err);
  }
  // In-worker trials: the slot size and ids of a trial, from its first setups here (after prepare, which setup may need).
  const layout = runsInWorkers(suite, config, options) ? measureLayout(suite, ctx, options.firstTrial ?? 0) : undefined;
  const memory = new BatchMemory(ctx, threadNames, options.traceEvents, layout);
  return { jitter, threadNames, memory, hookLimitMs, ...(layout !== undefined ? { inWorker: { layout, ctx } } : {}) };
}

function configurationResult(grader: ConfigGrader, options: ExecuteOptions, end: BatchesEnd, nextTrial: number, elapsedMs: number): ConfigResult {
  if (end.setupError !== undefined) grader.addCrash(end.setupError.trial, end.setupError.message, 'SetupError');
  const result = grader.result(elapsedMs);
  if (options.maxFailures !== undefined && result.failedTrials >= options.maxFailures) result.stoppedAtFailures = options.maxFailures;
  if (end.recoveries >= MAX_RECOVERIES) result.stoppedAtRecoveries = end.recoveries;
  if (options.budget.timeMs !== undefined && Number.isFinite(options.budget.timeMs)) result.shareMs = Math.round(options.budget.timeMs);
  if (options.firstTrial !== undefined) result.nextTrial = nextTrial;
  return result;
}

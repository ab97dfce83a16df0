/**
 * Dispatch: sending one batch to the configuration's worker group (one task per thread) and
 * collecting its replies under the watchdog (batch-watch.ts); cancelling batches that cannot finish.
 */
import type { Configuration } from '../grade/results.js';
import type { JitterProfile } from './jitter.js';
import type { WorkerGroups } from './pools.js';
import type { TraceArena } from './batch-memory.js';
import type { BatchReply, BatchTask, InWorkerTask } from './worker/task.js';
import { cancelGate, createGateBuffer, cutGate } from './gate.js';
import { progressBufferBytes } from './worker/progress-words.js';
import { type BatchOutcome, watchBatch } from './batch-watch.js';
import type { ScheduleDispatch } from './schedule-dispatch.js';
import type { ScheduleSpec } from '../schedule/types.js';

/** What every batch of one configuration is sent with. */
export interface DispatchContext {
  config: Configuration;
  threadNames: string[];
  jitter: JitterProfile;
  /** Every thread has a core of its own: threads spin at the start gate instead of sleeping. */
  pureSpin: boolean;
  timeoutMs: number;
  traceEvents: number;
  fixedSeedTrial: number | null;
  groups: WorkerGroups;
  /** A --jobs run's free-running group: each thread's CPU (see ExecuteOptions.threadCpus). */
  threadCpus?: number[];
  /** Set for a controlled configuration (config.schedule): the specs and the control buffer of each batch. */
  schedule?: ScheduleDispatch;
}

/** One batch of trials in flight: its states, the shared words its workers use, and their tasks. */
export interface Batch {
  first: number;
  k: number;
  states: unknown[];
  trace: TraceArena;
  /** The stamp its threads write into the trace regions they begin (trace.ts): the arena's when it was posted. */
  traceStamp: number;
  gate: SharedArrayBuffer;
  progress: SharedArrayBuffer;
  exited: SharedArrayBuffer;
  tasks: Array<Promise<BatchReply>>;
  postedAt: number;
  /** Set once the batch was told to end early (gate.ts cutGate): it may reply with fewer trials than it has. */
  cut: boolean;
  /** Controlled batches: the control buffer the watchdog reads, and each trial's spec. */
  schedule?: { control: SharedArrayBuffer; specs: ScheduleSpec[] };
  /** In-worker trials: no states here; a hang report gets the structure of trial i's state from this (in-worker-layout.ts scratchState). */
  stateFor?: (i: number) => unknown;
  inWorker?: boolean;
  /** In-worker trials: the trace region of batch trial i (a ring, in-worker-ring.ts); otherwise region i. */
  traceRegion?: (i: number) => number;
  /** In-worker trials: tells the batch's memory set that its threads zeroed every slot they used (all trials graded). */
  slotsCleaned?: () => void;
}

/**
 * Posts one task per thread for trials first.. with these states (or, for in-worker trials, the
 * slots and board the threads set them up and report in); the workers start it as soon as they are free.
 */
export function postBatch(d: DispatchContext, first: number, states: unknown[], trace: TraceArena, inWorker?: InWorkerTask): Batch {
  const { config } = d;
  const k = inWorker?.count ?? states.length;
  const batch: Batch = {
    first,
    k,
    states,
    trace,
    traceStamp: trace.stamp,
    gate: createGateBuffer(),
    // What each thread publishes for the watchdog (worker/progress-words.ts).
    progress: new SharedArrayBuffer(progressBufferBytes(config.threads)),
    exited: new SharedArrayBuffer(4 * config.threads),
    tasks: [],
    postedAt: performance.now(),
    cut: false,
    ...(inWorker !== undefined ? { inWorker: true } : {}),
  };
  const schedule = d.schedule?.forBatch(first, states.length, d.fixedSeedTrial);
  if (schedule !== undefined) batch.schedule = { control: schedule.control, specs: schedule.specs };
  const group = d.groups.get(config.threads);
  batch.tasks = d.threadNames.map((threadName, thread) => {
    const task: BatchTask = {
      suiteUrl: config.suiteUrl,
      variant: config.variant,
      params: config.params,
      threads: config.threads,
      thread,
      threadName,
      states,
      firstTrial: batch.first,
      fixedSeedTrial: d.fixedSeedTrial,
      gate: batch.gate,
      progress: batch.progress,
      exited: batch.exited,
      trace: batch.trace.events,
      traceNames: batch.trace.names,
      traceStamp: batch.traceStamp,
      traceEvents: d.traceEvents,
      jitter: d.jitter,
      seed: config.seed,
      configKey: config.key,
      pureSpin: d.pureSpin,
      timeoutMs: d.timeoutMs,
      ...(schedule !== undefined ? { schedule } : {}),
      ...(d.threadCpus?.[thread] !== undefined ? { cpu: d.threadCpus[thread] } : {}),
      ...(inWorker !== undefined ? { inWorker } : {}),
    };
    // No abort signal: tinypool never queues a task with one behind a busy worker, which would end
    // the pipelining. A batch is cancelled by destroying the whole group instead (cancelBatches).
    return group[thread]!.run(task) as Promise<BatchReply>;
  });
  // A cancelled batch's tasks reject when the group is destroyed, possibly before anyone awaits them
  // (the queued next batch): mark them handled here; collectReplies and cancelBatches read the outcomes.
  for (const t of batch.tasks) t.catch(() => undefined);
  return batch;
}

/** The watchdog's hooks into the configuration's time budget and stop requests. */
export interface CollectHooks {
  hookLimitMs: number;
  shouldStop?: () => boolean;
  onTrialsStarted: (at: number) => void;
  cutAt: () => number;
}

/**
 * Waits for `batch`'s replies under the watchdog. When its time is up, it and the batch queued
 * behind it (`next`, which would start past the deadline) end at their next gate.
 */
export async function collectReplies(d: DispatchContext, batch: Batch, next: Batch | null, hooks: CollectHooks): Promise<BatchOutcome> {
  const outcome = await watchBatch({
    tasks: batch.tasks,
    progress: batch.progress,
    exited: batch.exited,
    threadNames: d.threadNames,
    firstTrial: batch.first,
    timeoutMs: d.timeoutMs,
    ...(batch.schedule !== undefined ? { control: batch.schedule.control } : {}),
    hookLimitMs: hooks.hookLimitMs,
    ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
    groupError: () => d.groups.errorOf(d.config.threads),
    onTrialsStarted: hooks.onTrialsStarted,
    cutAt: hooks.cutAt,
    cut: () => {
      for (const b of next === null ? [batch] : [batch, next]) {
        cutGate(b.gate);
        b.cut = true;
      }
    },
  });
  return outcome.kind === 'done' ? checkedReplies(outcome, batch.k, batch.cut, batch.inWorker === true) : outcome;
}

/**
 * Every thread of a batch replies with one result per trial it ran, and only a cut batch runs fewer
 * than it was given. Anything else (an actor replaced Array.prototype.push, say) is a crash of the
 * batch, not a batch of zero trials to run again forever.
 */
export function checkedReplies(outcome: Extract<BatchOutcome, { kind: 'done' }>, k: number, cut: boolean, inWorker = false): BatchOutcome {
  const counts = outcome.replies.map((r) => (inWorker ? (typeof r?.ran === 'number' ? r.ran : -1) : Array.isArray(r?.outcomes) ? r.outcomes.length : -1));
  const ran = counts[0]!;
  // In-worker trials: the threads graded them between them, and their replies must say what they found.
  const graded = !inWorker || ran === 0 || outcome.replies.reduce((n, r) => n + (r?.graded?.trials ?? 0), 0) === ran;
  // In-worker trials: setup threw (in every thread) at trial `ran`: the batch ends there, as the main thread's setup would end it.
  const setupStopped = inWorker && outcome.replies.some((r) => r?.setupError !== undefined);
  // In-worker trials: thread 0 cut the batch itself at --max-failures (as the main thread cuts at a deadline).
  const limitCut = inWorker && outcome.replies.some((r) => r?.limitCut === true);
  if (graded && counts.every((c) => c === ran) && (ran === k || ((cut || setupStopped || limitCut) && ran >= 0 && ran < k))) return outcome;
  return {
    kind: 'crash',
    name: 'WorkerCrash',
    message: `the batch's threads returned ${counts.map((c) => (c < 0 ? 'no' : String(c))).join(', ')} results for its ${k} trials (did an actor replace a built-in the trial loop runs on, such as Array.prototype.push?)`,
  };
}

/**
 * Frees spinners at the batches' gates, then destroys the group (its workers' tasks reject); the next
 * get() starts a fresh one. `settleFirst`: a task to give up to `ms` to reply before the group is
 * destroyed (a thread freed from the gate finishes its task and replies).
 */
export async function cancelBatches(d: DispatchContext, batches: Batch[], settleFirst?: { task: Promise<unknown>; ms: number }): Promise<void> {
  for (const b of batches) cancelGate(b.gate);
  if (settleFirst !== undefined) {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, settleFirst.ms);
    });
    await Promise.race([settleFirst.task.then(() => undefined, () => undefined), waited]);
    clearTimeout(timer);
  }
  await d.groups.discard(d.config.threads);
  await Promise.allSettled(batches.flatMap((b) => b.tasks));
}

/**
 * Runs one configuration: a group of exactly `threads` workers, one per thread
 * index (pools.ts), batches of trials with fresh state each, pipelined (batch
 * j+1 is built and posted while batch j runs, and batch j is graded while
 * j+1 runs), a watchdog on the main thread, and recovery from hangs and
 * crashes by replacing the group.
 */
import { WorkerGroups } from './pools.js';
import { availableParallelism } from 'node:os';
import { ConfigGrader } from '../grade/grade.js';
import { jitterProfile } from './jitter.js';
import type { AnySuite } from '../plan/load-suite.js';
import type { ConfigResult, Configuration } from '../grade/results.js';
import type { ActorOutcome, SetupContext } from '../../suite-api.js';
import { StateArena, allocatorOf } from './state-arena.js';
import { clearTrials, namesArenaBytes, readNames, readTrace, traceArenaBytes } from './trace.js';
import { cancelGate, createGateBuffer, cutGate } from './gate.js';
import type { BatchReply, BatchTask } from './worker/task.js';
import { progressBufferBytes } from './worker/progress-words.js';
import { type BatchOutcome, watchBatch } from './batch-watch.js';
import { DeadlineMissed, prepareTimeoutMs, withDeadline } from '../shared/deadline.js';
import { settleQuietly, thrownMessage } from '../shared/errors.js';
import { showValue } from '../shared/safe-value.js';

export interface Budget {
  /** Stop after this many trials. */
  runs?: number;
  /** Stop after this much wall time (ms). */
  timeMs?: number;
}

export interface ExecuteOptions {
  timeoutMs: number;
  traceEvents: number;
  budget: Budget;
  /** Stop the configuration once this many trials have failed (hangs included). */
  maxFailures?: number;
  /** Index of the first trial (soak passes continue where the last pass ended); default 0. */
  firstTrial?: number;
  /** Replay: every trial draws its randomness as this trial. */
  fixedSeedTrial?: number;
  /** Polled between batches and by the watchdog: stop early (interrupt). A batch in flight gets STOP_GRACE_MS, then is cancelled. */
  shouldStop?: () => boolean;
  /** Progress callback after each batch. */
  onBatch?: (trialsSoFar: number, failedTrialsSoFar: number) => void;
  /** Worker groups shared across configurations; without it, this call makes and closes its own. */
  groups?: WorkerGroups;
}

const FIRST_BATCH = 8;
const MAX_BATCH = 512;
/** Aim for batches this long: long enough to amortise a dispatch (~0.2-0.5 ms), short enough to stop promptly. */
const TARGET_BATCH_MS = 100;
/**
 * A configuration stops after this many hangs or crashes: each costs a full
 * timeout plus a new worker group, the verdict is already "hang" or "error",
 * and the rest of the matrix should not wait for it.
 */
export const MAX_RECOVERIES = 3;

/** Bytes of one trace arena at most: caps the batch size at high thread counts (two arenas per configuration). */
const TRACE_ARENA_BUDGET = 8 * 1024 * 1024;

/** Where a batch's threads record their trace events, and the strings those events name. */
interface TraceArena {
  events: SharedArrayBuffer;
  names: SharedArrayBuffer;
}

/** One batch of trials in flight: its states, the shared words its workers use, and their tasks. */
interface Batch {
  first: number;
  k: number;
  states: unknown[];
  trace: TraceArena;
  gate: SharedArrayBuffer;
  progress: SharedArrayBuffer;
  exited: SharedArrayBuffer;
  tasks: Array<Promise<BatchReply>>;
  postedAt: number;
  /** Set once the batch was told to end early (gate.ts cutGate): it may reply with fewer trials than it has. */
  cut: boolean;
}

/** Trials [first, end) to run again: they were in a cancelled batch but not the trial that hung or crashed it. */
interface TrialRange {
  first: number;
  end: number;
}

/**
 * The suite's own main-thread code (threadName, prepare, setup) threw, or prepare() never settled:
 * an error of this configuration.
 */
class SuiteCodeError extends Error {
  constructor(
    readonly hook: string,
    readonly trial: number,
    cause: unknown,
  ) {
    super(
      cause instanceof DeadlineMissed
        ? cause.message
        : `${hook} threw${hook === 'setup' ? ` in trial ${trial}` : ''}: ${thrownMessage(cause)}`,
    );
  }
}

/** Runs a suite hook, wrapping what it throws so the configuration reports it instead of the run dying. */
function suiteHook<T>(hook: string, trial: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new SuiteCodeError(hook, trial, err);
  }
}

/** setup() builds state that crosses to the workers by structured clone: a promise cannot, and would fail the whole batch. */
function checkedState(state: unknown): unknown {
  if (state instanceof Promise) {
    settleQuietly(state);
    throw new TypeError('setup returned a Promise: setup must be synchronous and return the trial state (do asynchronous work once, in prepare)');
  }
  return state;
}

/**
 * Every thread of a batch replies with one result per trial it ran, and only a cut batch runs fewer
 * than it was given. Anything else (an actor replaced Array.prototype.push, say) is a crash of the
 * batch, not a batch of zero trials to run again forever.
 */
function checkedReplies(outcome: Extract<BatchOutcome, { kind: 'done' }>, k: number, cut: boolean): BatchOutcome {
  const counts = outcome.replies.map((r) => (Array.isArray(r?.outcomes) ? r.outcomes.length : -1));
  const ran = counts[0]!;
  if (counts.every((c) => c === ran) && (ran === k || (cut && ran >= 0 && ran < k))) return outcome;
  return {
    kind: 'crash',
    name: 'WorkerCrash',
    message: `the batch's threads returned ${counts.map((c) => (c < 0 ? 'no' : String(c))).join(', ')} results for its ${k} trials (did an actor replace a built-in the trial loop runs on, such as Array.prototype.push?)`,
  };
}

/** Thread names go into traces, hang reports and the workers' registry: text only. */
function checkedThreadName(name: unknown): string {
  if (typeof name === 'string') return name;
  settleQuietly(name);
  throw new TypeError(`threadName returned ${showValue(name, 200)}; expected a string`);
}

export async function executeConfiguration(suite: AnySuite, config: Configuration, options: ExecuteOptions): Promise<ConfigResult> {
  const started = performance.now();
  const grader = new ConfigGrader(suite, config, options.timeoutMs, options.traceEvents);
  try {
    return await execute(suite, config, options, grader, started);
  } catch (err) {
    // Before any trial ran (threadName or prepare threw): the configuration reports the error, the run goes on.
    if (!(err instanceof SuiteCodeError)) throw err;
    grader.addCrash(err.trial, err.message, 'SuiteError');
    return grader.result(performance.now() - started);
  }
}

async function execute(suite: AnySuite, config: Configuration, options: ExecuteOptions, grader: ConfigGrader, started: number): Promise<ConfigResult> {
  const jitter = jitterProfile(config.jitter);
  const ctx = { threads: config.threads, params: config.params, variant: config.variant };
  const threadNames = Array.from({ length: config.threads }, (_, t) => suiteHook('threadName', 0, () => checkedThreadName(suite.threadName?.(t, ctx) ?? `t${t}`)));
  const cores = config.cores === 'all' ? availableParallelism() : config.cores;
  const pureSpin = config.threads <= cores;
  const firstTrial = options.firstTrial ?? 0;
  const budgetRuns = firstTrial + (options.budget.runs ?? Infinity);
  // The time budget starts once the first batch's threads are all running trials: starting workers,
  // loading the suite in them and prepare() are not the configuration's testing time (short shares
  // were once eaten whole by them on a loaded machine, and canaries late in the plan got 8 trials).
  let deadline = Infinity;
  let clockStarted = false;
  const startClock = (now: number): void => {
    if (clockStarted) return;
    clockStarted = true;
    if (options.budget.timeMs !== undefined) deadline = now + options.budget.timeMs;
  };

  // Two sets of batch memory, used by alternate batches: batch j is graded (its states checked, its
  // traces read) while batch j+1 runs in the other set. Each set: a state arena with the setup context
  // that allocates from it, and a trace arena (events, sized for the largest batch, and the names they
  // intern). Each trial's trace region is reset when it starts; a thread's names when its batch starts.
  const maxBatch = Math.max(1, Math.min(MAX_BATCH, Math.floor(TRACE_ARENA_BUDGET / traceArenaBytes(1, config.threads, options.traceEvents))));
  const memory = [0, 1].map(() => {
    const arena = new StateArena();
    const setupCtx: SetupContext = { ...ctx, ...allocatorOf(arena) };
    const trace: TraceArena = {
      events: new SharedArrayBuffer(traceArenaBytes(maxBatch, config.threads, options.traceEvents)),
      names: new SharedArrayBuffer(namesArenaBytes(config.threads)),
    };
    return { arena, setupCtx, trace };
  });
  const traceOf = (trace: TraceArena, i: number): ReturnType<typeof readTrace> => {
    const tables = threadNames.map((_, t) => readNames(trace.names, t));
    return readTrace(trace.events, config.threads, options.traceEvents, i, tables, threadNames);
  };
  const hookLimitMs = prepareTimeoutMs(options.timeoutMs);
  try {
    await withDeadline(suite.prepare?.(ctx), hookLimitMs, 'prepare() on the main thread');
  } catch (err) {
    throw new SuiteCodeError('prepare', firstTrial, err);
  }
  const groups = options.groups ?? new WorkerGroups();
  await groups.claim(config.threads, `${config.suiteUrl} ${typeof config.params.impl === 'string' ? config.params.impl : ''}`);
  const maxFailures = options.maxFailures ?? Infinity;
  let nextTrial = firstTrial;
  /** Trials to run before new ones: those of cancelled batches that neither hung nor crashed. */
  const redo: TrialRange[] = [];
  /** Set when setup threw: no more batches; the batch in flight is still graded. */
  let setupError: SuiteCodeError | undefined;
  /** Set when suite code in a worker stalled before the trials (prepare, module load): no more batches. */
  let fatal = false;
  let batchSize = FIRST_BATCH;
  let batchCount = 0;
  let recoveries = 0;
  let lastBatchMs = 0;

  const canStart = (now: number): boolean =>
    setupError === undefined &&
    !fatal &&
    recoveries < MAX_RECOVERIES &&
    grader.failedTrials < maxFailures &&
    (redo.length > 0 || nextTrial < budgetRuns) &&
    now < deadline &&
    !(options.shouldStop?.() ?? false);

  /**
   * Builds the next batch's states and posts one task per thread; the workers start it as soon as
   * they are free. Null when the suite's setup threw (recorded in setupError).
   */
  const dispatch = (): Batch | null => {
    const range = redo[0];
    const first = range?.first ?? nextTrial;
    const wanted = Math.min(batchSize, maxBatch, (range?.end ?? budgetRuns) - first);
    const { arena, setupCtx, trace } = memory[batchCount++ % 2]!;
    // This set's last batch (two back) is graded and its workers are done with it: hand its memory out again.
    arena.recycle();
    const states: unknown[] = [];
    try {
      while (states.length < wanted) states.push(suiteHook('setup', first + states.length, (): unknown => checkedState(suite.setup(setupCtx))));
    } catch (err) {
      // The trials set up before it still run; none after.
      setupError = err as SuiteCodeError;
      if (states.length === 0) return null;
    }
    const k = states.length;
    clearTrials(trace.events, config.threads, options.traceEvents, k);
    const batch: Batch = {
      first,
      k,
      states,
      trace,
      gate: createGateBuffer(),
      // What each thread publishes for the watchdog (worker/progress-words.ts).
      progress: new SharedArrayBuffer(progressBufferBytes(config.threads)),
      exited: new SharedArrayBuffer(4 * config.threads),
      tasks: [],
      postedAt: performance.now(),
      cut: false,
    };
    const group = groups.get(config.threads);
    batch.tasks = threadNames.map((threadName, thread) => {
      const task: BatchTask = {
        suiteUrl: config.suiteUrl,
        variant: config.variant,
        params: config.params,
        threads: config.threads,
        thread,
        threadName,
        states,
        firstTrial: batch.first,
        fixedSeedTrial: options.fixedSeedTrial ?? null,
        gate: batch.gate,
        progress: batch.progress,
        exited: batch.exited,
        trace: batch.trace.events,
        traceNames: batch.trace.names,
        traceEvents: options.traceEvents,
        jitter,
        seed: config.seed,
        configKey: config.key,
        pureSpin,
        timeoutMs: options.timeoutMs,
      };
      // No abort signal: tinypool never queues a task with one behind a busy worker, which would end
      // the pipelining. A batch is cancelled by destroying the whole group instead (cancel below).
      return group[thread]!.run(task) as Promise<BatchReply>;
    });
    // A cancelled batch's tasks reject when the group is destroyed, possibly before anyone awaits them
    // (the queued next batch): mark them handled here; watch() and cancel() read the outcomes.
    for (const t of batch.tasks) t.catch(() => undefined);
    if (range === undefined) nextTrial += k;
    else if ((range.first += k) >= range.end) redo.shift();
    return batch;
  };

  /**
   * Trials a cut batch did not start: they go back to be run first, and a soak's next pass starts
   * at the first of them, so the numbering has no gaps.
   */
  const giveBack = (range: TrialRange): void => {
    redo.push(range);
    for (let i = redo.findIndex((r) => r.end === nextTrial); i >= 0; i = redo.findIndex((r) => r.end === nextTrial)) {
      nextTrial = redo[i]!.first;
      redo.splice(i, 1);
    }
  };

  /** Frees spinners at the batches' gates, then destroys the group (its workers' tasks reject); the next get() starts a fresh one. */
  const cancel = async (batches: Batch[]): Promise<void> => {
    for (const b of batches) cancelGate(b.gate);
    await groups.discard(config.threads);
    await Promise.allSettled(batches.flatMap((b) => b.tasks));
  };

  let current = canStart(performance.now()) ? dispatch() : null;
  let lastDone = performance.now();
  try {
    while (current !== null) {
      // Post the next batch now, so the workers go on to it without waiting for this one's grading.
      // Not if it would start after the deadline (it starts when this one ends, about lastBatchMs from now).
      // Not when oversubscribed: threads done early would wait at the next batch's gate, taking turns on
      // the cores from the stragglers of this one (the first run with it on was 1.5-1.8x slower per
      // trial at 16-64 threads than the earlier table, though not in the same sitting).
      // Not once a --max-failures configuration has failed: its stop is near, and a queued batch
      // would run (and be graded) past it.
      const stopNear = maxFailures !== Infinity && grader.failedTrials > 0;
      const next = pureSpin && !stopNear && canStart(performance.now() + lastBatchMs) ? dispatch() : null;
      const watched = current;
      let outcome: BatchOutcome = await watchBatch({
        tasks: current.tasks,
        progress: current.progress,
        exited: current.exited,
        threadNames,
        firstTrial: current.first,
        timeoutMs: options.timeoutMs,
        hookLimitMs,
        ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
        groupError: () => groups.errorOf(config.threads),
        onTrialsStarted: startClock,
        cutAt: () => deadline,
        cut: () => {
          // The batch queued behind this one ends at its first gate: it would start past the deadline.
          for (const b of next === null ? [watched] : [watched, next]) {
            cutGate(b.gate);
            b.cut = true;
          }
        },
      });
      // Already started if the watchdog saw the threads in their trials; else the batch ended before it looked.
      startClock(performance.now());
      if (outcome.kind === 'done') outcome = checkedReplies(outcome, current.k, current.cut);
      if (outcome.kind === 'done') {
        const done = current;
        // A batch cut short at the deadline ran its first `ran` trials (the same in every thread).
        const ran = outcome.replies[0]!.outcomes.length;
        for (let i = 0; i < ran; i++) {
          const outcomes = outcome.replies.map((r) => r.outcomes[i]) as Array<ActorOutcome<unknown>>;
          grader.addTrial(done.first + i, done.states[i], outcomes, () => traceOf(done.trace, i));
        }
        if (ran < done.k) giveBack({ first: done.first + ran, end: done.first + done.k });
        const now = performance.now();
        // Time this batch had the workers to itself: from when the previous one ended (or it was posted).
        lastBatchMs = now - Math.max(done.postedAt, lastDone);
        lastDone = now;
        if (lastBatchMs < TARGET_BATCH_MS / 2 && batchSize < maxBatch) batchSize *= 2;
        else if (lastBatchMs > TARGET_BATCH_MS * 2 && batchSize > 1) batchSize = Math.max(1, batchSize >> 1);
        current = next ?? (canStart(now) ? dispatch() : null);
      } else {
        // The batch cannot finish: free spinners at the gate, kill the group, start a new one.
        // The next batch, queued behind it, never started a trial: its trials are run again later.
        await cancel(next === null ? [current] : [current, next]);
        for (const m of memory) m.arena.abandon();
        // Interrupted, and the cut batch did not finish within the grace: its trials are dropped (none
        // of them is known to have finished); a trial that had stalled since before the stop is
        // reported as the hang it was in.
        if (outcome.kind === 'stopped') break;
        if (outcome.kind === 'hang' && outcome.interruptedAfterMs !== undefined) {
          grader.addHang(outcome.trialIndex, outcome.waitFor, outcome.progress, traceOf(current.trace, outcome.trialIndex - current.first), outcome.interruptedAfterMs);
          break;
        }
        // The trials of the cancelled batches other than the one that hung or crashed are run again
        // (the ones before it did finish, but their actors' results died with the workers).
        const again: TrialRange[] = [];
        const end = current.first + current.k;
        if (outcome.kind === 'crash' && outcome.fatal === true) {
          // Suite code in a worker stalled before any trial: every batch would do the same.
          grader.addCrash(current.first, outcome.message, outcome.name);
          fatal = true;
        } else {
          // Which trial hung or crashed; for a task that failed outside any trial, the batch's first
          // (a configuration stops after MAX_RECOVERIES such failures, so this cannot loop).
          const culprit = outcome.kind === 'hang' ? outcome.trialIndex : (outcome.trialIndex ?? current.first);
          if (outcome.kind === 'hang') grader.addHang(culprit, outcome.waitFor, outcome.progress, traceOf(current.trace, culprit - current.first));
          else grader.addCrash(culprit, outcome.message, outcome.name);
          again.push({ first: current.first, end: culprit }, { first: culprit + 1, end });
        }
        if (next !== null) again.push({ first: next.first, end: next.first + next.k });
        redo.unshift(...again.filter((r) => r.end > r.first));
        batchSize = FIRST_BATCH;
        recoveries++;
        lastBatchMs = 0;
        lastDone = performance.now();
        current = canStart(lastDone) ? dispatch() : null;
      }
      options.onBatch?.(grader.trials, grader.failedTrials);
    }
  } finally {
    if (options.groups === undefined) await groups.close();
  }
  if (setupError !== undefined) grader.addCrash(setupError.trial, setupError.message, 'SetupError');
  const result = grader.result(performance.now() - started);
  if (options.maxFailures !== undefined && result.failedTrials >= options.maxFailures) result.stoppedAtFailures = options.maxFailures;
  if (recoveries >= MAX_RECOVERIES) result.stoppedAtRecoveries = recoveries;
  if (options.budget.timeMs !== undefined && Number.isFinite(options.budget.timeMs)) result.shareMs = Math.round(options.budget.timeMs);
  if (options.firstTrial !== undefined) result.nextTrial = nextTrial;
  return result;
}

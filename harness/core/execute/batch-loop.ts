/**
 * The batches of one configuration, pipelined: batch j+1 is built and posted while batch j runs,
 * and batch j is graded while j+1 runs. Batch sizes adapt to aim at TARGET_BATCH_MS; a batch that
 * cannot finish is recovered from (recovery.ts).
 */
import type { ConfigGrader } from '../grade/grade.js';
import type { AnySuite } from '../plan/load-suite.js';
import type { ActorOutcome } from '../../suite-api.js';
import type { ExecuteOptions } from './execute-options.js';
import type { BatchMemory } from './batch-memory.js';
import type { TrialQueue } from './trial-queue.js';
import type { BatchOutcome } from './batch-watch.js';
import { type Batch, type DispatchContext, collectReplies, postBatch } from './batch-dispatch.js';
import { type AfterRecovery, MAX_RECOVERIES, recoverFromFailure } from './recovery.js';
import { SuiteCodeError, checkedState, suiteHook } from './suite-code.js';
import { controlledTrial } from './schedule-dispatch.js';
import { reservePrimitiveIds } from '@shakedown/primitives';
import { type InWorkerLayout, scratchState } from './in-worker-layout.js';
import { IN_WORKER_RING, ringSlot } from './in-worker-ring.js';
import type { SuiteContext } from '../../suite-api.js';

const FIRST_BATCH = 8;
/** Aim for batches this long: long enough to amortise a dispatch (~0.2-0.5 ms), short enough to stop promptly. */
const TARGET_BATCH_MS = 100;

export interface BatchLoopContext {
  suite: AnySuite;
  dispatch: DispatchContext;
  grader: ConfigGrader;
  memory: BatchMemory;
  queue: TrialQueue;
  /** Bound on suite code outside the trials (deadline.ts). */
  hookLimitMs: number;
  options: ExecuteOptions;
  /** In-worker trials (in-worker-layout.ts): the workers set up and grade; batches carry slots instead of states. */
  inWorker?: { layout: InWorkerLayout; ctx: SuiteContext };
}

/** How the batches ended, for the configuration's result. */
export interface BatchesEnd {
  recoveries: number;
  /** Set when setup threw: the batches stopped there. */
  setupError?: SuiteCodeError;
}

/** Runs batches until the budget, the failure limit, MAX_RECOVERIES, an error or a stop request ends the configuration. */
export async function runBatches(c: BatchLoopContext): Promise<BatchesEnd> {
  const batches = new Batches(c);
  await batches.runAll();
  return { recoveries: batches.recoveries, ...(batches.setupError !== undefined ? { setupError: batches.setupError } : {}) };
}

class Batches {
  readonly #c: BatchLoopContext;
  readonly #maxFailures: number;
  /**
   * In-worker trials with --max-failures: the failed trials graded so far, counted by the batches'
   * thread 0s as they grade (task.ts InWorkerTask.failures). Set again from the grader after a
   * recovery, when the cancelled batches' counts died with them.
   */
  readonly #failureCount: Int32Array | null;
  /** When the configuration's time is up: Infinity until its clock starts, or without a time budget. */
  #deadline = Infinity;
  #clockStarted = false;
  /** Set when setup threw: no more batches; the batch in flight is still graded. */
  setupError: SuiteCodeError | undefined;
  /** Set when suite code in a worker stalled before the trials (prepare, module load): no more batches. */
  #fatal = false;
  recoveries = 0;
  #batchSize = FIRST_BATCH;
  #lastBatchMs = 0;
  #lastDone = 0;
  /**
   * Trials at the front of the queue that finished before a hang or crash in their batch (their
   * results died with the workers): they run again even past MAX_RECOVERIES or --max-failures, so
   * that a configuration stopped by those limits still counts the trials that passed.
   */
  #owed = 0;

  constructor(c: BatchLoopContext) {
    this.#c = c;
    this.#maxFailures = c.options.maxFailures ?? Infinity;
    this.#failureCount = this.#maxFailures !== Infinity && c.inWorker !== undefined ? new Int32Array(new SharedArrayBuffer(4)) : null;
  }

  /**
   * The time budget starts once the first batch's threads are all running trials: starting workers,
   * loading the suite in them and prepare() are not the configuration's testing time (on a loaded
   * machine they can take a whole short share).
   */
  readonly #startClock = (now: number): void => {
    if (this.#clockStarted) return;
    this.#clockStarted = true;
    if (this.#c.options.budget.timeMs !== undefined) this.#deadline = now + this.#c.options.budget.timeMs;
  };

  /** The configuration has had its MAX_RECOVERIES hangs or crashes, or its --max-failures: only owed trials may still run. */
  #atLimit(): boolean {
    return this.recoveries >= MAX_RECOVERIES || this.#c.grader.failedTrials >= this.#maxFailures;
  }

  #canStart(now: number): boolean {
    return (
      this.setupError === undefined &&
      !this.#fatal &&
      (this.#owed > 0 || !this.#atLimit()) &&
      // A controlled trial the model could not run (too long, refused): the next ones would not run either (the same code).
      this.#c.grader.notControlled === undefined &&
      this.#c.queue.hasMore() &&
      now < this.#deadline &&
      !(this.#c.options.shouldStop?.() ?? false)
    );
  }

  async runAll(): Promise<void> {
    const { grader, options } = this.#c;
    let current = this.#canStart(performance.now()) ? this.#dispatch() : null;
    this.#lastDone = performance.now();
    while (current !== null) {
      // Post the next batch now, so the workers go on to it without waiting for this one's grading.
      // Not if it would start after the deadline (it starts when this one ends, about lastBatchMs from now).
      // Not when oversubscribed: threads done early would wait at the next batch's gate, taking turns on
      // the cores from the stragglers of this one (measured 1.5-1.8x slower per trial at 16-64 threads, though not side by side).
      // Not once a --max-failures configuration has failed: its stop is near, and a queued batch
      // would run (and be graded) past it.
      const stopNear = this.#maxFailures !== Infinity && grader.failedTrials > 0;
      const next = this.#c.dispatch.pureSpin && !stopNear && this.#canStart(performance.now() + this.#lastBatchMs) ? this.#dispatch() : null;
      const outcome = await collectReplies(this.#c.dispatch, current, next, {
        hookLimitMs: this.#c.hookLimitMs,
        ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
        onTrialsStarted: this.#startClock,
        cutAt: () => this.#deadline,
      });
      // Already started if the watchdog saw the threads in their trials; else the batch ended before it looked.
      this.#startClock(performance.now());
      if (outcome.kind === 'done') {
        const now = this.#gradeReplies(current, outcome);
        current = next ?? (this.#canStart(now) ? this.#dispatch() : null);
      } else {
        const { after, finished } = await recoverFromFailure(this.#c, outcome, current, next);
        if (after === 'stop') break;
        this.#recovered(after, finished);
        current = this.#canStart(this.#lastDone) ? this.#dispatch() : null;
      }
      options.onBatch?.(grader.trials, grader.failedTrials);
    }
  }

  /**
   * Builds the next batch's states and posts it; the workers start it as soon as they are free.
   * Null when the suite's setup threw (recorded in setupError).
   */
  #dispatch(): Batch | null {
    const { suite, memory, queue } = this.#c;
    // At a limit, a batch holds owed trials only (they are at the front of the queue). So it does
    // under --max-failures while any are owed: owed trials run whole, uncut by the limit (an
    // in-worker batch cuts itself there, and its cut-off rest would go to the back of the queue,
    // behind trials it owed: a review lost 6 finished trials that way), and no trial after them
    // rides along uncut.
    const owedOnly = this.#atLimit() || (this.#owed > 0 && this.#maxFailures !== Infinity);
    const { first, count } = queue.peek(Math.min(this.#batchSize, memory.maxBatch, owedOnly ? this.#owed : Infinity));
    this.#owed = Math.max(0, this.#owed - count);
    const set = memory.next();
    if (this.#c.inWorker !== undefined && set.inWorker !== undefined) return this.#dispatchInWorker(first, count, set, !owedOnly);
    const { setupCtx, trace } = set;
    const states: unknown[] = [];
    try {
      while (states.length < count) {
        // The index the actors see as ctx.trial: a rerun's is the trial it reruns (fixedSeedTrial).
        setupCtx.trial = this.#c.dispatch.fixedSeedTrial ?? first + states.length;
        states.push(suiteHook('setup', first + states.length, (): unknown => checkedState(suite.setup(setupCtx))));
      }
    } catch (err) {
      // The trials set up before it still run; none after.
      this.setupError = err as SuiteCodeError;
      if (states.length === 0) return null;
    }
    const batch = postBatch(this.#c.dispatch, first, states, trace);
    queue.take(states.length);
    return batch;
  }

  /** In-worker trials: a batch of `count` slots, a block of primitive ids for their setups, and what thread 0 grades with. */
  #dispatchInWorker(first: number, count: number, set: ReturnType<BatchMemory['next']>, limited: boolean): Batch {
    const { layout, ctx } = this.#c.inWorker!;
    const { dispatch, queue, suite, options } = this.#c;
    const slots = set.inWorker!;
    slots.used = Math.min(count, IN_WORKER_RING);
    const batch = postBatch(dispatch, first, [], set.trace, {
      slots: slots.slots,
      stride: layout.stride,
      board: slots.board,
      count,
      idBase: reservePrimitiveIds(count * layout.idsPerTrial),
      idsPerTrial: layout.idsPerTrial,
      config: dispatch.config,
      timeoutMs: options.timeoutMs,
      threadNames: dispatch.threadNames,
      // Owed trials (a rerun after a hang or crash) run whole: no limit for their batches.
      ...(this.#failureCount !== null && limited ? { failures: { word: this.#failureCount.buffer as SharedArrayBuffer, limit: this.#maxFailures } } : {}),
    });
    batch.stateFor = (i) => scratchState(suite, ctx, layout, ringSlot(i), first + i);
    batch.traceRegion = ringSlot;
    batch.slotsCleaned = () => {
      slots.used = 0;
    };
    queue.take(count);
    return batch;
  }

  /** Grades the trials a finished batch ran, gives back those it did not, and sizes the next batch; returns the time it did so. */
  #gradeReplies(done: Batch, outcome: Extract<BatchOutcome, { kind: 'done' }>): number {
    const { grader, memory, queue } = this.#c;
    // A batch cut short at the deadline ran its first `ran` trials (the same in every thread).
    const ran = done.inWorker === true ? outcome.replies[0]!.ran! : outcome.replies[0]!.outcomes.length;
    // In-worker trials come graded (checkedReplies made sure of it): only their sums are added here.
    // Not a batch that was already queued when setup threw in the one before: on the main thread, no trial after that would have run.
    if (done.inWorker === true && ran > 0 && this.setupError === undefined) grader.absorb(outcome.replies.flatMap((r) => r.graded ?? []));
    // Every trial ran and was graded, so thread 0 zeroed each slot after grading it: the set is ready as it is.
    if (done.inWorker === true && ran === done.k && outcome.replies.every((r) => r.setupError === undefined)) done.slotsCleaned?.();
    // Setup threw in a worker: as on the main thread, the trials before it count and no batch follows.
    const thrown = outcome.replies.find((r) => r.setupError !== undefined)?.setupError;
    if (thrown !== undefined) this.setupError = new SuiteCodeError('setup', thrown.trial, new Error(thrown.message));
    for (let i = 0; done.inWorker !== true && i < ran; i++) {
      const outcomes = outcome.replies.map((r) => r.outcomes[i]) as Array<ActorOutcome<unknown>>;
      const trace = (): ReturnType<BatchMemory['traceOf']> => memory.traceOf(done.trace, done.traceStamp, i);
      if (done.schedule === undefined) {
        grader.addTrial(done.first + i, done.states[i], outcomes, trace);
        continue;
      }
      const controlled = controlledTrial(done.schedule.specs[i]!, outcome.replies, i);
      const failedBefore = grader.failedTrials;
      const errorsBefore = grader.errorCount;
      grader.addControlledTrial(done.first + i, done.states[i], outcomes, trace, controlled);
      this.#c.options.onControlledTrial?.(done.first + i, controlled);
      // PCT's k comes from passing trials only: a failing one may have stopped early.
      if (grader.failedTrials === failedBefore && grader.errorCount === errorsBefore) this.#c.dispatch.schedule?.notePassing(controlled.steps);
    }
    if (ran < done.k) queue.giveBack({ first: done.first + ran, end: done.first + done.k });
    const now = performance.now();
    // Time this batch had the workers to itself: from when the previous one ended (or it was posted).
    this.#lastBatchMs = now - Math.max(done.postedAt, this.#lastDone);
    this.#lastDone = now;
    if (this.#lastBatchMs < TARGET_BATCH_MS / 2 && this.#batchSize < memory.maxBatch) this.#batchSize *= 2;
    else if (this.#lastBatchMs > TARGET_BATCH_MS * 2 && this.#batchSize > 1) this.#batchSize = Math.max(1, this.#batchSize >> 1);
    return now;
  }

  /** After a new group replaced a failed one: start again with small batches. */
  #recovered(after: Exclude<AfterRecovery, 'stop'>, finished: number): void {
    if (after === 'fatal') this.#fatal = true;
    // No batch is in flight now: the cancelled ones' graded failures were never absorbed.
    if (this.#failureCount !== null) Atomics.store(this.#failureCount, 0, this.#c.grader.failedTrials);
    this.#batchSize = FIRST_BATCH;
    this.recoveries++;
    // Past MAX_RECOVERIES (an owed trial hung again): stop now.
    this.#owed = this.recoveries > MAX_RECOVERIES ? 0 : finished;
    this.#lastBatchMs = 0;
    this.#lastDone = performance.now();
  }
}

/**
 * In-worker trials, the workers' side (the main thread's: in-worker-layout.ts). For each trial of
 * the batch, every thread runs the suite's setup over the trial's slot of the shared slot buffer,
 * with the slot's block of primitive ids, so that all threads hold views of one state (the same
 * offsets, the same lock ids); each leaves its actor's outcome on the outcome board; thread 0,
 * once every thread is past a trial, grades it with the same ConfigGrader the main thread uses and
 * replies with the batch's counts and failure samples.
 *
 * Timing: thread 0 grades trial k-1 after its own actor of trial k, before the gate of k+1 (every
 * thread passed the gate of k, so all finished k-1); the last trial after a closing gate. So the
 * grading is on the critical path of one thread per trial, as a reset-and-check loop written by
 * hand would be, and never inside a trial. (Grading by whichever thread reaches the gate first,
 * inside its wait, measured slower on 2 cores: 0.24-0.27x the hand loop against 0.32-0.41x. The
 * threads taking turns as grader, trial k by thread k mod threads, measured slower too: 498k against
 * 577k trials/s at 2 threads, medians of 6 alternating runs; each trial's memory then moved between
 * the cores with its grader.)
 */
import { withPrimitiveIds } from '@shakedown/primitives';
import type { ActorOutcome, SetupContext } from '../../../suite-api.js';
import type { ConfigResult } from '../../grade/results.js';
import type { InWorkerTask } from './task.js';
import { ConfigGrader } from '../../grade/grade.js';
import type { AnySuite } from '../../plan/load-suite.js';
import { SlotAllocator } from '../state-arena.js';
import { readNames, readTrace, type TraceEvent } from '../trace.js';
import { OutcomeBoard } from './outcome-board.js';
import { ringSlot } from '../in-worker-ring.js';
import { describeThrown } from '../../shared/safe-value.js';

/** stateOf's answer when the suite's setup threw: a value no setup can return. */
export const SETUP_FAILED: unique symbol = Symbol('setup failed');

export class InWorkerTrials {
  readonly count: number;
  readonly #w: InWorkerTask;
  readonly #thread: number;
  readonly #threads: number;
  readonly #slots: SlotAllocator;
  /** One setup context for the whole batch, its trial moved on: setup runs per trial per thread, so nothing is allocated for it. */
  readonly #setupCtx: SetupContext;
  readonly #setup: () => unknown;
  readonly #board: OutcomeBoard;
  readonly #trace: { events: SharedArrayBuffer; names: SharedArrayBuffer; perThread: number; stamp: number };
  readonly #grader: ConfigGrader;
  /** Thread 0's views of its last two trials (k, k-1), by k mod 2: it grades k-1 during k (two records, reused). */
  readonly #recent: Array<{ k: number; trial: number; state: unknown }> = [
    { k: -1, trial: 0, state: undefined },
    { k: -1, trial: 0, state: undefined },
  ];
  /** The next batch trial to grade. */
  #next = 0;
  #graded = 0;
  readonly #startedAt = performance.now();

  /** Ends the batch at its next trial boundary (the gate's cut): called once --max-failures is reached. */
  readonly #cut: () => void;

  /** The configuration's failure count (InWorkerTask.failures), thread 0 only; null without --max-failures. */
  readonly #failures: Int32Array | null;

  constructor(w: InWorkerTask, suite: AnySuite, thread: number, trace: { events: SharedArrayBuffer; names: SharedArrayBuffer; perThread: number; stamp: number }, cut: () => void) {
    this.#cut = cut;
    this.#failures = thread === 0 && w.failures !== undefined ? new Int32Array(w.failures.word) : null;
    this.#w = w;
    this.count = w.count;
    this.#thread = thread;
    this.#threads = w.config.threads;
    this.#slots = new SlotAllocator(w.slots, w.stride);
    this.#setupCtx = { threads: w.config.threads, params: w.config.params, variant: w.config.variant, trial: 0, alloc: this.#slots.alloc, int32: this.#slots.int32 };
    this.#setup = () => suite.setup(this.#setupCtx);
    this.#board = new OutcomeBoard(w.board, w.config.threads);
    this.#trace = trace;
    this.#grader = new ConfigGrader(suite, w.config, w.timeoutMs, trace.perThread);
    // Already at the limit (the batch ahead of this one reached it): no trial starts. Before thread 0's
    // first arrival at the gate, so that whichever thread arrives last there sees the cut.
    if (this.#failures !== null && Atomics.load(this.#failures, 0) >= w.failures!.limit) this.#cutAtLimit();
  }

  /**
   * This thread's view of trial `trial`, in batch slot `k`: the suite's setup over the slot, with the
   * slot's ids; SETUP_FAILED if it threw (setupError says what). Not wrapped in a result object: this
   * runs per trial per thread, and an object per call was garbage for the young generation.
   */
  stateOf(k: number, trial: number): unknown {
    const w = this.#w;
    try {
      this.#slots.moveTo(ringSlot(k), trial);
      this.#setupCtx.trial = trial;
      return withPrimitiveIds(w.idBase + k * w.idsPerTrial, w.idsPerTrial, this.#setup);
    } catch (err) {
      this.setupError = `${describeThrown(err)} (in a worker: the suite sets trialsInWorkers)`;
      return SETUP_FAILED;
    }
  }

  /** Set once this thread cut the batch at --max-failures (the reply says so: the batch ran fewer trials than it holds). */
  limitCut = false;

  /** What the last setup that returned SETUP_FAILED threw, in words. */
  setupError = '';

  /** This thread's outcome of batch trial `k`, for thread 0 to grade. */
  publish(k: number, outcome: ActorOutcome<unknown>): void {
    this.#board.write(ringSlot(k), this.#thread, outcome);
  }

  /** Keeps this thread's view of batch trial `k` until it is graded (thread 0 only grades). */
  remember(k: number, trial: number, state: unknown): void {
    if (this.#thread !== 0) return;
    const record = this.#recent[k % 2]!;
    record.k = k;
    record.trial = trial;
    record.state = state;
  }

  /** Thread 0: grades the batch's trials not graded yet up to `last`, all of them finished by every thread. */
  gradeUpTo(last: number): void {
    for (let k = this.#next; k <= last; k++) {
      const seen = this.#recent[k % 2]!;
      const failedBefore = this.#grader.failedTrials;
      // Not among the last two (cannot happen: thread 0 grades every trial during the next one).
      if (seen.k !== k) throw new Error(`in-worker trials: trial ${k} of the batch is no longer held by thread ${this.#thread}`);
      const slot = ringSlot(k);
      // A fresh array per trial (invariants may keep it), filled without a callback. A literal, not
      // `new Array(n)`: an actor may have replaced globalThis.Array (the actor guard leaves that be).
      const outcomes: Array<ActorOutcome<unknown>> = [];
      for (let t = 0; t < this.#threads; t++) outcomes[t] = this.#board.read(slot, t);
      this.#gradingSlot = slot;
      this.#grader.addTrial(seen.trial, seen.state, outcomes, this.#traceOfGrading);
      // Graded (a kept failure copied what it needs): the slot and board entry are zeroed here, while
      // in this core's cache, so that the main thread need not before the set's next batch (it
      // still does after a batch that did not grade every trial: batch-loop.ts slotsCleaned).
      seen.state = undefined;
      this.#slots.zero(slot);
      this.#board.clear(slot);
      this.#graded++;
      this.#next = k + 1;
      if (this.#failures !== null && this.#grader.failedTrials > failedBefore) this.#countFailure();
    }
  }

  /** What this thread's graded trials add up to, for the main thread to add to the configuration's (undefined if it graded none). */
  part(): ConfigResult | undefined {
    return this.#graded === 0 ? undefined : this.#grader.result(performance.now() - this.#startedAt);
  }

  /** --max-failures: one more failed trial for the configuration; at its limit, no further trial of this batch starts (the one in flight still finishes and is graded). */
  #countFailure(): void {
    if (Atomics.add(this.#failures!, 0, 1) + 1 >= this.#w.failures!.limit) this.#cutAtLimit();
  }

  #cutAtLimit(): void {
    if (this.limitCut) return;
    this.limitCut = true;
    this.#cut();
  }

  /** The ring slot being graded, for #traceOfGrading. */
  #gradingSlot = 0;
  /** The trace of the trial being graded (read only for a kept failure): one function for the batch, not a closure per trial. */
  readonly #traceOfGrading = (): TraceEvent[] => this.#traceOf(this.#gradingSlot);

  /** The trace in ring slot `slot` (ringSlot of the batch trial): read before a later trial reuses it. */
  #traceOf(slot: number): TraceEvent[] {
    const names = this.#w.threadNames;
    const tables = names.map((_, t) => readNames(this.#trace.names, t));
    return readTrace(this.#trace.events, names.length, this.#trace.perThread, slot, this.#trace.stamp, tables, names);
  }
}

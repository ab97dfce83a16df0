/**
 * Recovery from a batch that cannot finish (a hang, a crash, a stop request past its grace): free
 * spinners at the gate, destroy the worker group (the next batch starts a fresh one), record what
 * happened, and queue the trials that must run again.
 */
import type { ConfigGrader } from '../grade/grade.js';
import type { ConfigResult } from '../grade/results.js';
import type { BatchOutcome } from './batch-watch.js';
import { type WaitRecord, withSleepers } from './sleep-records.js';
import type { BatchMemory } from './batch-memory.js';
import { type Batch, type DispatchContext, cancelBatches } from './batch-dispatch.js';
import type { TrialQueue, TrialRange } from './trial-queue.js';

/**
 * A configuration stops after this many hangs or crashes: each costs a full
 * timeout plus a new worker group, the verdict is already "hang" or "error",
 * and the rest of the matrix should not wait for it.
 */
export const MAX_RECOVERIES = 3;

export type FailedOutcome = Exclude<BatchOutcome, { kind: 'done' }>;

/** What the configuration does after a recovery: stop now, stop because every batch would fail the same way, or go on. */
export type AfterRecovery = 'stop' | 'fatal' | 'go-on';

export interface RecoveryContext {
  dispatch: DispatchContext;
  grader: ConfigGrader;
  memory: BatchMemory;
  queue: TrialQueue;
}

/**
 * What recoverFromFailure decided, and how many trials of the failed batch finished before the one
 * that hung or crashed: they are queued first, and must run again (and be graded) even when the
 * configuration stops after this recovery, or the trials counted would be mostly failures.
 */
export interface Recovery {
  after: AfterRecovery;
  finished: number;
}

/**
 * How long an interrupted in-worker batch's thread 0 gets to reply once the gate lets it go: freed
 * from a spin, it finishes its task in microseconds; when it is the stalled thread, this is what
 * the stop waits in vain.
 */
const GRADED_REPLY_GRACE_MS = 300;

/** Cancels `failed` and the batch queued behind it (`next`, which never started a trial), then records the outcome. */
export async function recoverFromFailure(r: RecoveryContext, outcome: FailedOutcome, failed: Batch, next: Batch | null): Promise<Recovery> {
  const interrupted = outcome.kind === 'stopped' || (outcome.kind === 'hang' && outcome.interruptedAfterMs !== undefined);
  // Interrupted, in-worker: thread 0 graded the batch's finished trials as they ended, and keeps
  // what it found until it replies. Unless it is the stalled thread, it waits at the gate, and the
  // cancel lets it reply: those trials count, although the run stops (nothing is run again).
  let graded: ConfigResult | undefined;
  const thread0 = interrupted && failed.inWorker === true ? failed.tasks[0] : undefined;
  void thread0?.then(
    (reply) => {
      graded = reply.graded;
    },
    () => undefined,
  );
  await cancelBatches(r.dispatch, next === null ? [failed] : [failed, next], thread0 !== undefined ? { task: thread0, ms: GRADED_REPLY_GRACE_MS } : undefined);
  r.memory.abandon();
  if (graded !== undefined) r.grader.absorb([graded]);
  // Interrupted, and the cut batch did not finish within the grace: its trials are dropped (none
  // of them is known to have finished), except what an in-worker batch's thread 0 graded (above);
  // a trial that had stalled since before the stop is reported as the hang it was in.
  if (outcome.kind === 'stopped') return { after: 'stop', finished: 0 };
  if (outcome.kind === 'hang' && outcome.interruptedAfterMs !== undefined) {
    r.grader.addHang(outcome.trialIndex, waitsOf(outcome, failed, outcome.trialIndex), outcome.progress, traceOfTrial(r, failed, outcome.trialIndex), outcome.interruptedAfterMs);
    return { after: 'stop', finished: 0 };
  }
  // The trials of the cancelled batches other than the one that hung or crashed are run again
  // (the ones before it did finish, but their actors' results died with the workers).
  const again: TrialRange[] = [];
  let after: AfterRecovery = 'go-on';
  let finished = 0;
  if (outcome.kind === 'crash' && outcome.fatal === true) {
    // Suite code in a worker stalled before any trial: every batch would do the same.
    r.grader.addCrash(failed.first, outcome.message, outcome.name);
    after = 'fatal';
  } else {
    const [before, rest] = recordCulprit(r, outcome, failed);
    finished = Math.max(0, before.end - before.first);
    // The finished ones first: the batch loop runs them again even when it stops after this recovery.
    again.push(before, rest);
  }
  if (next !== null) again.push({ first: next.first, end: next.first + next.k });
  r.queue.runFirst(again);
  return { after, finished };
}

/** Records the trial that hung or crashed; returns the batch's other trials: those before it (which finished), those after it. */
function recordCulprit(r: RecoveryContext, outcome: Exclude<FailedOutcome, { kind: 'stopped' }>, failed: Batch): [TrialRange, TrialRange] {
  // Which trial hung or crashed; for a task that failed outside any trial, the batch's first
  // (a configuration stops after MAX_RECOVERIES such failures, so this cannot loop).
  const culprit = outcome.kind === 'hang' ? outcome.trialIndex : (outcome.trialIndex ?? failed.first);
  if (outcome.kind === 'hang' && outcome.outside !== undefined) r.grader.addOutside(culprit, outcome.outside, traceOfTrial(r, failed, culprit));
  else if (outcome.kind === 'hang') r.grader.addHang(culprit, waitsOf(outcome, failed, culprit), outcome.progress, traceOfTrial(r, failed, culprit));
  else r.grader.addCrash(culprit, outcome.message, outcome.name);
  return [
    { first: failed.first, end: culprit },
    { first: culprit + 1, end: failed.first + failed.k },
  ];
}

/** The trace of trial `trial` of `failed`: its region, or its ring slot for in-worker trials. */
function traceOfTrial(r: RecoveryContext, failed: Batch, trial: number): ReturnType<BatchMemory['traceOf']> {
  const i = trial - failed.first;
  return r.memory.traceOf(failed.trace, failed.traceStamp, failed.traceRegion?.(i) ?? i);
}

/** The hang's wait-for records, with its sleepers in Atomics.wait named from the hung trial's state. */
function waitsOf(outcome: Extract<FailedOutcome, { kind: 'hang' }>, failed: Batch, trial: number): WaitRecord[] {
  const i = trial - failed.first;
  return withSleepers(outcome.waitFor, outcome.sleepers, failed.states[i] ?? failed.stateFor?.(i));
}

/**
 * The watchdog of one batch in flight: waits for every thread's reply while reading the words the
 * threads publish (worker/progress-words.ts), and decides what a stall means.
 *
 * - During the trials, a trial is hung when for `timeoutMs` no thread has entered a new trial, hit
 *   a yield point or written output (or, for a livelock, entered no new trial for
 *   LIVELOCK_FACTOR timeouts while busy).
 * - Before the trials (worker starting, suite module loading, prepare() in the worker) and after
 *   them (flushing output, replying) a stall is not a trial's hang; it is bounded by the suite-code
 *   limit and reported as an error.
 * - Time during which this watchdog itself did not run (the main thread descheduled on a loaded
 *   machine, a long GC) is nobody's lack of progress: the clock does not count it.
 * - A verdict of hang or stall is confirmed at the next poll, after the event loop has had a turn
 *   to deliver replies already sent.
 */
import { waitForTable } from '@shakedown/primitives';
import type { BatchReply } from './worker/task.js';
import { thrownMessage } from '../shared/errors.js';
import { PHASE_NAMES, Phase, type PhaseValue, beatWord, idWord, phaseWord, trialWord } from './worker/progress-words.js';

/** A trial still running after this many timeouts is hung even if its threads keep doing operations. */
export const LIVELOCK_FACTOR = 10;
/**
 * After a stop request, a batch in flight may finish normally for this long (batches target
 * 100 ms); then it is cancelled like a hung one, so an interrupt ends in-flight trials well within
 * the 2 s the CLI promises even when a trial is stuck and the hang timeout is long.
 */
export const STOP_GRACE_MS = 500;
const POLL_MS = 20;
/** A poll this late means the main thread was not running: the gap is not counted against the trial. */
const LATE_POLL_MS = 5 * POLL_MS;
/** Longest wait for a worker to start its batch (new worker, suite import) before it is an error. */
const STARTUP_LIMIT_MS = 30_000;

export type WaitRecord = { thread: string; waitsFor: string; heldBy: string };

export type BatchOutcome =
  | { kind: 'done'; replies: BatchReply[] }
  | {
      kind: 'hang';
      trialIndex: number;
      progress: number[];
      waitFor: WaitRecord[];
      /** Set when a stop request ended a trial that had made no progress for this long (less than the timeout). */
      interruptedAfterMs?: number;
    }
  /**
   * A worker died or failed its task. `trialIndex` when known (an exit note, or the failing thread's
   * trial word). `fatal`: the configuration cannot go on (suite code before the trials stalled).
   */
  | { kind: 'crash'; message: string; name?: string; trialIndex?: number; fatal?: boolean }
  | { kind: 'stopped' };

export interface WatchOptions {
  tasks: Array<Promise<BatchReply>>;
  progress: SharedArrayBuffer;
  exited: SharedArrayBuffer;
  threadNames: string[];
  firstTrial: number;
  timeoutMs: number;
  /** Bound on a stall outside the trials (deadline.ts). */
  hookLimitMs: number;
  shouldStop?: () => boolean;
  /** An error the worker group reported outside any task (pools.ts), if any. */
  groupError?: () => Error | undefined;
  /** Called once, when every thread is first seen running trials. */
  onTrialsStarted?: (at: number) => void;
  /** When the batch's time is up (the configuration's deadline; Infinity while none is set). */
  cutAt?: () => number;
  /** Ends the batch at its next trial boundary (gate.ts cutGate): called once, at cutAt or on a stop request. */
  cut?: () => void;
}

export function watchBatch(o: WatchOptions): Promise<BatchOutcome> {
  const progress = new Int32Array(o.progress);
  const exited = new Int32Array(o.exited);
  const threads = o.threadNames.length;
  const trialOf = (t: number): number => {
    const word = Atomics.load(progress, trialWord(threads, t));
    return word === 0 ? -1 : o.firstTrial + word - 1;
  };
  const phaseOf = (t: number): PhaseValue => Atomics.load(progress, phaseWord(threads, t)) as PhaseValue;
  return new Promise<BatchOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: BatchOutcome): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      resolve(outcome);
    };
    let lastPoll = performance.now();
    let lastSum = -1;
    let lastChange = lastPoll;
    let lastTrialSum = -1;
    let lastTrialChange = lastPoll;
    const phases: number[] = new Array<number>(threads).fill(-1);
    const phaseSince: number[] = new Array<number>(threads).fill(lastPoll);
    let trialsStarted = false;
    let stopAt: number | undefined;
    let cutDone = false;
    /** A stall verdict waits one poll, so that replies already sent are delivered first. */
    let suspect = false;
    const confirm = (outcome: BatchOutcome): void => {
      if (suspect) finish(outcome);
      suspect = true;
    };

    const poll = (): void => {
      const now = performance.now();
      const unseen = now - lastPoll - POLL_MS;
      lastPoll = now;
      if (unseen > LATE_POLL_MS - POLL_MS) {
        lastChange += unseen;
        lastTrialChange += unseen;
        for (let t = 0; t < threads; t++) phaseSince[t]! += unseen;
      }

      for (let t = 0; t < threads; t++) {
        const note = Atomics.load(exited, t);
        if (note !== 0) {
          const trial = trialOf(t);
          finish({ kind: 'crash', message: `${o.threadNames[t]} ended its worker thread (process.exit(${note - 1})) in trial ${trial}`, trialIndex: Math.max(trial, o.firstTrial) });
          return;
        }
      }
      const groupError = o.groupError?.();
      if (groupError !== undefined) {
        finish({ kind: 'crash', message: `the worker group failed: ${groupError.message}` });
        return;
      }

      let sum = 0;
      let trialSum = 0;
      let minTrialWord = Infinity;
      let replying = 0;
      let slowest = -1;
      for (let t = 0; t < threads; t++) {
        const phase = phaseOf(t);
        if (phase !== phases[t]) {
          phases[t] = phase;
          phaseSince[t] = now;
        }
        if (phase === Phase.REPLYING) replying++;
        if (phase < Phase.TRIALS && (slowest < 0 || phaseSince[t]! < phaseSince[slowest]!)) slowest = t;
        const word = Atomics.load(progress, trialWord(threads, t));
        trialSum += word;
        sum += word + Atomics.load(progress, beatWord(threads, t));
        minTrialWord = Math.min(minTrialWord, word);
      }
      if (!trialsStarted && slowest < 0) {
        trialsStarted = true;
        o.onTrialsStarted?.(now);
      }
      if (sum !== lastSum) {
        lastSum = sum;
        lastChange = now;
      }
      if (trialSum !== lastTrialSum) {
        lastTrialSum = trialSum;
        lastTrialChange = now;
      }

      if (stopAt === undefined && (o.shouldStop?.() ?? false)) stopAt = now;
      // Time up or stop requested: the trials in flight finish and are kept, no more start. A batch
      // sized for 100 ms on a quiet machine can take seconds once other processes load it.
      if (!cutDone && (stopAt !== undefined || now >= (o.cutAt?.() ?? Infinity))) {
        cutDone = true;
        o.cut?.();
      }
      if (stopAt !== undefined && now - stopAt > STOP_GRACE_MS) {
        // A trial that has not moved since before the stop was stuck: report the hang it was in
        // (with how long it had stalled), not a configuration where nothing ran.
        const stalledMs = now - lastChange;
        const inTrials = slowest < 0 && minTrialWord > 0 && replying < threads;
        if (inTrials && stalledMs >= STOP_GRACE_MS) finish({ ...hang(), interruptedAfterMs: stalledMs });
        else finish({ kind: 'stopped' });
        return;
      }

      if (slowest >= 0) {
        // Not every thread has reached its trials: no trial can hang yet (the others wait at the gate).
        const phase = phases[slowest] as PhaseValue;
        const limit = phase === Phase.QUEUED ? Math.max(STARTUP_LIMIT_MS, o.hookLimitMs) : o.hookLimitMs;
        if (now - phaseSince[slowest]! > limit) {
          const name = phase === Phase.PREPARING ? 'PrepareError' : phase === Phase.LOADING ? 'SuiteLoadError' : 'WorkerStartError';
          confirm({ kind: 'crash', name, fatal: true, message: `${o.threadNames[slowest]}'s worker was still ${PHASE_NAMES[phase]} after ${Math.round((now - phaseSince[slowest]!) / 1000)} s (limit ${Math.round(limit / 1000)} s)` });
        } else suspect = false;
        return;
      }
      if (replying === threads) {
        // Every trial of the batch has finished; only the replies are outstanding (output still flushing).
        if (now - Math.max(...phaseSince) > o.hookLimitMs) {
          confirm({ kind: 'crash', message: `the workers finished the batch's trials but did not reply within ${Math.round(o.hookLimitMs / 1000)} s (their output could not be flushed?)` });
        } else suspect = false;
        return;
      }
      const livelock = now - lastTrialChange > LIVELOCK_FACTOR * o.timeoutMs;
      if (livelock || now - lastChange > o.timeoutMs) confirm(hang());
      else suspect = false;
    };

    const hang = (): Extract<BatchOutcome, { kind: 'hang' }> => {
      const snapshot = Array.from({ length: threads }, (_, t) => trialOf(t));
      // The slowest thread is in the hung trial (or has not entered it yet).
      const trialIndex = Math.max(Math.min(...snapshot), o.firstTrial);
      // The table is process-wide: in a mocha process other workers may be blocked too. The report
      // keeps this trial's threads (what they wait for, held by whomever).
      const ours = new Set(Array.from({ length: threads }, (_, t) => Atomics.load(progress, idWord(threads, t)) - 1).filter((id) => id >= 0));
      const waitFor = waitForTable()
        .filter((w) => ours.has(w.threadId))
        .map((w) => ({ thread: w.thread, waitsFor: w.waitsFor, heldBy: w.heldBy }));
      return { kind: 'hang', trialIndex, progress: snapshot, waitFor };
    };

    const timer = setInterval(poll, POLL_MS);
    const replies: BatchReply[] = new Array<BatchReply>(threads);
    let received = 0;
    o.tasks.forEach((task, t) => {
      task.then(
        (reply) => {
          replies[t] = reply;
          if (++received === threads) finish({ kind: 'done', replies });
        },
        (err: unknown) => {
          // Which trial the failing worker was in, when it was in one: the batch's other trials can run again.
          const trial = phaseOf(t) === Phase.TRIALS ? trialOf(t) : -1;
          const message = `${o.threadNames[t]}'s worker failed: ${thrownMessage(err)}`;
          finish({ kind: 'crash', message, ...(trial >= 0 ? { trialIndex: trial } : {}) });
        },
      );
    });
  });
}

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
import { type SleepRecord, type WaitRecord, readSleepers } from './sleep-records.js';
import type { BatchReply } from './worker/task.js';
import { thrownMessage } from '../shared/errors.js';
import { PHASE_NAMES, Phase, type PhaseValue, beatWord, gradingWord, idWord, phaseWord, trialWord } from './worker/progress-words.js';
import { readTurn } from './worker/sched/control-words.js';

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

export type { WaitRecord } from './sleep-records.js';

export type BatchOutcome =
  | { kind: 'done'; replies: BatchReply[] }
  | {
      kind: 'hang';
      trialIndex: number;
      progress: number[];
      waitFor: WaitRecord[];
      /** Threads asleep in Atomics.wait (free-running), to be named from the trial state (sleep-records.ts). */
      sleepers: SleepRecord[];
      /** Set when a stop request ended a trial that had made no progress for this long (less than the timeout). */
      interruptedAfterMs?: number;
      /**
       * Controlled batches: the thread holding the turn made no scheduling step for the timeout. It is
       * blocked outside the model; reported under its own invariant, recovered from like a hang.
       */
      outside?: string;
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
  /** Controlled batches: the control buffer (worker/sched/control-words.ts); its step counts as progress. */
  control?: SharedArrayBuffer;
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
  return new Promise<BatchOutcome>((resolve) => new BatchWatch(o, resolve).start());
}

/** What one poll read from the threads' words. */
interface ThreadsView {
  /** Trials entered plus heartbeats, over all threads: moves whenever any thread makes progress. */
  sum: number;
  /** Trials entered, over all threads: moves only when a thread enters a new trial. */
  trialSum: number;
  minTrialWord: number;
  /** Threads done with their trials, replying. */
  replying: number;
  /** The thread longest in a phase before the trials; -1 once every thread has reached them. */
  slowest: number;
  /** In-worker trials: a thread running suite code outside a trial (setting one up, or grading one); -1 if none. */
  suiteCode: number;
}

class BatchWatch {
  readonly #o: WatchOptions;
  readonly #resolve: (outcome: BatchOutcome) => void;
  readonly #progress: Int32Array;
  readonly #exited: Int32Array;
  readonly #threads: number;
  #timer: NodeJS.Timeout | undefined;
  #settled = false;
  #lastPoll: number;
  #lastSum = -1;
  #lastChange: number;
  #lastTrialSum = -1;
  #lastTrialChange: number;
  readonly #phases: number[];
  readonly #phaseSince: number[];
  #trialsStarted = false;
  #stopAt: number | undefined;
  #cutDone = false;
  /** A stall verdict waits one poll, so that replies already sent are delivered first. */
  #suspect = false;

  constructor(o: WatchOptions, resolve: (outcome: BatchOutcome) => void) {
    this.#o = o;
    this.#resolve = resolve;
    this.#progress = new Int32Array(o.progress);
    this.#exited = new Int32Array(o.exited);
    this.#threads = o.threadNames.length;
    this.#lastPoll = performance.now();
    this.#lastChange = this.#lastPoll;
    this.#lastTrialChange = this.#lastPoll;
    this.#phases = new Array<number>(this.#threads).fill(-1);
    this.#phaseSince = new Array<number>(this.#threads).fill(this.#lastPoll);
  }

  start(): void {
    this.#timer = setInterval(() => this.#poll(), POLL_MS);
    const replies: BatchReply[] = new Array<BatchReply>(this.#threads);
    let received = 0;
    this.#o.tasks.forEach((task, t) => {
      task.then(
        (reply) => {
          replies[t] = reply;
          if (++received === this.#threads) this.#finish({ kind: 'done', replies });
        },
        (err: unknown) => {
          // Which trial the failing worker was in, when it was in one: the batch's other trials can run again.
          const trial = this.#phaseOf(t) === Phase.TRIALS ? this.#trialOf(t) : -1;
          const message = `${this.#o.threadNames[t]}'s worker failed: ${thrownMessage(err)}`;
          this.#finish({ kind: 'crash', message, ...(trial >= 0 ? { trialIndex: trial } : {}) });
        },
      );
    });
  }

  #trialOf(t: number): number {
    const word = Atomics.load(this.#progress, trialWord(this.#threads, t));
    return word === 0 ? -1 : this.#o.firstTrial + word - 1;
  }

  #phaseOf(t: number): PhaseValue {
    return Atomics.load(this.#progress, phaseWord(this.#threads, t)) as PhaseValue;
  }

  #finish(outcome: BatchOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    clearInterval(this.#timer);
    this.#resolve(outcome);
  }

  #confirm(outcome: BatchOutcome): void {
    if (this.#suspect) this.#finish(outcome);
    this.#suspect = true;
  }

  #poll(): void {
    const now = performance.now();
    this.#discountUnseen(now);
    if (this.#crashed()) return;
    const view = this.#read(now);
    if (this.#stopped(now, view)) return;
    this.#judgeStall(now, view);
  }

  /** Time this watchdog did not run (its poll came late) is nobody's lack of progress. */
  #discountUnseen(now: number): void {
    const unseen = now - this.#lastPoll - POLL_MS;
    this.#lastPoll = now;
    if (unseen > LATE_POLL_MS - POLL_MS) {
      this.#lastChange += unseen;
      this.#lastTrialChange += unseen;
      for (let t = 0; t < this.#threads; t++) this.#phaseSince[t]! += unseen;
    }
  }

  /** A thread's worker exited, or the group failed outside any task: the batch crashed. */
  #crashed(): boolean {
    for (let t = 0; t < this.#threads; t++) {
      const note = Atomics.load(this.#exited, t);
      if (note !== 0) {
        const trial = this.#trialOf(t);
        this.#finish({ kind: 'crash', message: `${this.#o.threadNames[t]} ended its worker thread (process.exit(${note - 1})) in trial ${trial}`, trialIndex: Math.max(trial, this.#o.firstTrial) });
        return true;
      }
    }
    const groupError = this.#o.groupError?.();
    if (groupError === undefined) return false;
    this.#finish({ kind: 'crash', message: `the worker group failed: ${groupError.message}` });
    return true;
  }

  /** Reads every thread's words, and notes when the threads last moved. */
  #read(now: number): ThreadsView {
    const view: ThreadsView = { sum: 0, trialSum: 0, minTrialWord: Infinity, replying: 0, slowest: -1, suiteCode: -1 };
    for (let t = 0; t < this.#threads; t++) {
      const phase = this.#phaseOf(t);
      if (phase !== this.#phases[t]) {
        this.#phases[t] = phase;
        this.#phaseSince[t] = now;
      }
      if (phase === Phase.REPLYING) view.replying++;
      if (phase === Phase.GRADING || phase === Phase.SETTING_UP) view.suiteCode = t;
      if (phase < Phase.TRIALS && (view.slowest < 0 || this.#phaseSince[t]! < this.#phaseSince[view.slowest]!)) view.slowest = t;
      const word = Atomics.load(this.#progress, trialWord(this.#threads, t));
      view.trialSum += word;
      view.sum += word + Atomics.load(this.#progress, beatWord(this.#threads, t));
      view.minTrialWord = Math.min(view.minTrialWord, word);
    }
    // Under control an Atomics call is a step but no heartbeat: a long trial of Atomics alone is live.
    if (this.#o.control !== undefined) view.sum += readTurn(this.#o.control, this.#threads).step;
    if (!this.#trialsStarted && view.slowest < 0) {
      this.#trialsStarted = true;
      this.#o.onTrialsStarted?.(now);
    }
    if (view.sum !== this.#lastSum) {
      this.#lastSum = view.sum;
      this.#lastChange = now;
    }
    if (view.trialSum !== this.#lastTrialSum) {
      this.#lastTrialSum = view.trialSum;
      this.#lastTrialChange = now;
    }
    return view;
  }

  /** Cuts the batch when its time is up or a stop was requested; ends the watch once a stop's grace has passed. */
  #stopped(now: number, view: ThreadsView): boolean {
    if (this.#stopAt === undefined && (this.#o.shouldStop?.() ?? false)) this.#stopAt = now;
    // Time up or stop requested: the trials in flight finish and are kept, no more start. A batch
    // sized for 100 ms on a quiet machine can take seconds once other processes load it.
    if (!this.#cutDone && (this.#stopAt !== undefined || now >= (this.#o.cutAt?.() ?? Infinity))) {
      this.#cutDone = true;
      this.#o.cut?.();
    }
    if (this.#stopAt === undefined || now - this.#stopAt <= STOP_GRACE_MS) return false;
    // A trial that has not moved since before the stop was stuck: report the hang it was in
    // (with how long it had stalled), not a configuration where nothing ran.
    const stalledMs = now - this.#lastChange;
    const inTrials = view.slowest < 0 && view.suiteCode < 0 && view.minTrialWord > 0 && view.replying < this.#threads;
    if (inTrials && stalledMs >= STOP_GRACE_MS) this.#finish({ ...this.#hang(), interruptedAfterMs: stalledMs });
    else this.#finish({ kind: 'stopped' });
    return true;
  }

  /** What a stall means depends on where the threads are: before their trials, replying, or in a trial. */
  #judgeStall(now: number, view: ThreadsView): void {
    const { slowest } = view;
    if (slowest >= 0) {
      // Not every thread has reached its trials: no trial can hang yet (the others wait at the gate).
      const phase = this.#phases[slowest] as PhaseValue;
      const limit = phase === Phase.QUEUED ? Math.max(STARTUP_LIMIT_MS, this.#o.hookLimitMs) : this.#o.hookLimitMs;
      const stalled = now - this.#phaseSince[slowest]!;
      if (stalled > limit) {
        const name = phase === Phase.PREPARING ? 'PrepareError' : phase === Phase.LOADING ? 'SuiteLoadError' : 'WorkerStartError';
        this.#confirm({ kind: 'crash', name, fatal: true, message: `${this.#o.threadNames[slowest]}'s worker was still ${PHASE_NAMES[phase]} after ${Math.round(stalled / 1000)} s (limit ${Math.round(limit / 1000)} s)` });
      } else this.#suspect = false;
      return;
    }
    if (view.suiteCode >= 0) {
      // In-worker trials: suite code setting up the next trial or checking a finished one, while the others wait at the gate. Bounded like prepare().
      const t = view.suiteCode;
      const stalled = now - this.#phaseSince[t]!;
      if (stalled > this.#o.hookLimitMs) {
        const trial = this.#o.firstTrial + Atomics.load(this.#progress, gradingWord(this.#threads, t)) - 1;
        const limit = `after ${Math.round(stalled / 1000)} s (limit ${Math.round(this.#o.hookLimitMs / 1000)} s)`;
        const who = `${this.#o.threadNames[t]}'s worker`;
        this.#confirm(
          this.#phases[t] === Phase.SETTING_UP
            ? { kind: 'crash', name: 'SetupError', trialIndex: trial, message: `${who} was still setting up trial ${trial} ${limit}: a setup that does not return` }
            : { kind: 'crash', name: 'InvariantError', trialIndex: trial, message: `${who} was still checking the invariants of trial ${trial} ${limit}: an invariant or outcome function that does not return` },
        );
      } else this.#suspect = false;
      return;
    }
    if (view.replying === this.#threads) {
      // Every trial of the batch has finished; only the replies are outstanding (output still flushing).
      if (now - Math.max(...this.#phaseSince) > this.#o.hookLimitMs) {
        this.#confirm({ kind: 'crash', message: `the workers finished the batch's trials but did not reply within ${Math.round(this.#o.hookLimitMs / 1000)} s (their output could not be flushed?)` });
      } else this.#suspect = false;
      return;
    }
    const livelock = now - this.#lastTrialChange > LIVELOCK_FACTOR * this.#o.timeoutMs;
    const stalledMs = now - this.#lastChange;
    if (livelock || stalledMs > this.#o.timeoutMs) this.#confirm(this.#withOutside(this.#hang(), stalledMs));
    else this.#suspect = false;
  }

  /**
   * Under control a stall with a turn holder is the "outside" finding: only that thread can run,
   * and it made no scheduling step (a synchronous call, a real Atomics.wait reached through a
   * captured function, or a loop with no Atomics and no yieldPoint).
   */
  #withOutside(hang: Extract<BatchOutcome, { kind: 'hang' }>, stalledMs: number): BatchOutcome {
    if (this.#o.control === undefined) return hang;
    const turn = readTurn(this.#o.control, this.#threads);
    if (turn.thread < 0) return hang;
    const name = this.#o.threadNames[turn.thread] ?? `t${turn.thread}`;
    const outside = `${name} holds the turn and made no scheduling step for ${Math.round(stalledMs)} ms after step ${turn.step} (in ${turn.label || 'unknown'}): it is blocked outside the model (a synchronous call, a real Atomics.wait reached through a captured function, a loop with no Atomics and no yieldPoint, or an await on something only another thread can settle: under control an awaiting actor keeps the turn)`;
    return { ...hang, outside };
  }

  #hang(): Extract<BatchOutcome, { kind: 'hang' }> {
    const threads = this.#threads;
    const snapshot = Array.from({ length: threads }, (_, t) => this.#trialOf(t));
    // The slowest thread is in the hung trial (or has not entered it yet).
    const trialIndex = Math.max(Math.min(...snapshot), this.#o.firstTrial);
    // The table is process-wide: in a mocha process other workers may be blocked too. The report
    // keeps this trial's threads (what they wait for, held by whomever).
    const ours = new Set(Array.from({ length: threads }, (_, t) => Atomics.load(this.#progress, idWord(threads, t)) - 1).filter((id) => id >= 0));
    const waitFor = waitForTable()
      .filter((w) => ours.has(w.threadId))
      .map((w) => ({ thread: w.thread, waitsFor: w.waitsFor, heldBy: w.heldBy }));
    return { kind: 'hang', trialIndex, progress: snapshot, waitFor, sleepers: readSleepers(this.#progress, threads, this.#o.threadNames) };
  }
}

import type { Params } from '../../../suite-api.js';
import type { JitterProfile } from '../jitter.js';
import type { SerializedError } from '../../shared/errors.js';
import type { ScheduleSpec } from '../../schedule/types.js';
import type { ThreadTrialReport } from './sched/model.js';
import type { ConfigResult, Configuration } from '../../grade/results.js';

export type { SerializedError };

/** One worker's share of one batch of trials: everything crosses by structured clone. */
export interface BatchTask {
  suiteUrl: string;
  variant: string;
  params: Params;
  threads: number;
  thread: number;
  threadName: string;
  /** One fresh state per trial of the batch (empty for in-worker trials: each thread sets them up itself). */
  states: unknown[];
  /** In-worker trials (in-worker-trials.ts): the slots, board and ids the threads set up and report trials with. */
  inWorker?: InWorkerTask;
  /** Trial index of states[0] within the configuration. */
  firstTrial: number;
  /** When set (replay), every trial draws its randomness as this trial index. */
  fixedSeedTrial: number | null;
  gate: SharedArrayBuffer;
  /** Int32 words read by the watchdog, WORDS_PER_THREAD per thread: see progress-words.ts. */
  progress: SharedArrayBuffer;
  /** Int32 per thread: 0 while alive; 1 + exit code if the actor ended the thread (process.exit). */
  exited: SharedArrayBuffer;
  trace: SharedArrayBuffer;
  traceNames: SharedArrayBuffer;
  /** Written into each trace region this thread begins: regions without it are an older batch's (trace.ts). */
  traceStamp: number;
  traceEvents: number;
  jitter: JitterProfile;
  seed: string;
  configKey: string;
  pureSpin: boolean;
  timeoutMs: number;
  /** A --jobs run's free-running group: the CPU this thread's worker pins itself to before its trials (pin-thread.ts). */
  cpu?: number;
  /** Set for a controlled configuration: every trial of the batch runs under the model (worker/sched/). */
  schedule?: BatchSchedule;
}

/** The schedule part of a controlled batch. */
export interface BatchSchedule {
  /** The control buffer (sched/control-words.ts), shared by the batch's threads. */
  control: SharedArrayBuffer;
  /** Per trial of the batch, the strategy it runs under. */
  specs: ScheduleSpec[];
  /** Decisions per trial at most (longer: too long to run controlled). */
  maxSteps: number;
  /** Decisions with no write changing a value, at most (more: a livelock). */
  maxIdleSteps: number;
  /** Index in the batch of a trial whose whole execution log the reply should carry (a rerun for explanation). */
  logTrial?: number;
}

export interface BatchReply {
  /** Per trial: the actor's value, or the error it threw (empty for in-worker trials: see ran and graded). */
  outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: SerializedError }>;
  /** In-worker trials: how many of the batch's trials this thread ran. */
  ran?: number;
  /** In-worker trials, thread 0: the batch's trials graded (counts, outcomes, first failure samples). */
  graded?: ConfigResult;
  /** In-worker trials, thread 0: it cut the batch short, the configuration's failures having reached InWorkerTask.failures.limit. */
  limitCut?: boolean;
  /** In-worker trials: setup threw in this trial (in every thread alike); the batch ran the trials before it. */
  setupError?: { trial: number; message: string };
  /** Controlled batches: per trial run, this thread's report (small: a finding, a summary, or a logged trial's operations). */
  schedule?: ThreadTrialReport[];
}

/** What an in-worker batch carries besides the usual task (task.ts BatchTask.inWorker). */
export interface InWorkerTask {
  /** The batch's trial slots, `stride` bytes each, zeroed by the main thread before the batch. */
  slots: SharedArrayBuffer;
  stride: number;
  /** The outcome board (outcome-board.ts), one slot per trial and thread. */
  board: SharedArrayBuffer;
  /** Trials in the batch. */
  count: number;
  /** Slot k's primitive ids are idBase + k x idsPerTrial onwards (reserved by the main thread). */
  idBase: number;
  idsPerTrial: number;
  /** What thread 0 grades with: the configuration, its timeout and every thread's name (traces). */
  config: Configuration;
  timeoutMs: number;
  threadNames: string[];
  /**
   * --max-failures: the configuration's failed trials so far (Int32 word 0, shared by its batches:
   * a pipelined batch starts before the one ahead of it has replied) and its limit. Thread 0 adds
   * each failure it grades and cuts the batch (the gate's cut, as the deadline does) once the count
   * reaches the limit, or before the first trial when it already has: a long batch stops within a
   * trial or two of the limit instead of running to its end.
   */
  failures?: { word: SharedArrayBuffer; limit: number };
}

/**
 * The words a batch's threads publish for the executor's watchdog (one Int32Array per batch,
 * WORDS_PER_THREAD words per thread). Only the thread itself writes its words; the watchdog only
 * reads them. They let it tell a hung trial from a slow start, a slow suite hook, a slow reply or
 * a descheduled thread, which are not findings.
 *
 * Each thread's words fill a cache line of their own (THREAD_STRIDE): a thread stores its trial
 * word every trial, and with two threads' words on one line every store took the line from the
 * other core (false sharing on the trial's critical path).
 */

/** Words per thread: trial, heartbeat, worker id, phase, and the four of its Atomics.wait (sleep*Word). */
export const WORDS_PER_THREAD = 8;
/** Int32 words from one thread's first word to the next one's: 64 bytes, a cache line. */
const THREAD_STRIDE = 16;

export function progressBufferBytes(threads: number): number {
  return 4 * THREAD_STRIDE * threads;
}

/**
 * Word of thread `t`: k + 1 once it has entered the batch's k-th trial (0 before its first). The
 * position in the batch, not the trial index: indices pass 2^31 in long soaks and sliced shards.
 */
export const trialWord = (_threads: number, t: number): number => t * THREAD_STRIDE + 0;
/** Word of thread `t` bumped at every yield point and every write to stdout/stderr: signs of life inside a trial. */
export const beatWord = (_threads: number, t: number): number => t * THREAD_STRIDE + 1;
/** Word of thread `t`: the worker's threadId + 1 (0 until it starts the batch), to pick its wait records. */
export const idWord = (_threads: number, t: number): number => t * THREAD_STRIDE + 2;
/** Word of thread `t`: where it is in the batch (Phase). */
export const phaseWord = (_threads: number, t: number): number => t * THREAD_STRIDE + 3;

/**
 * Words of thread `t` describing the Atomics.wait it is asleep in, in a free-running trial
 * (wait-recorder.ts): 1 while asleep; the buffer's id in the trial state (buffer-ids.ts; -1 for a
 * buffer the state does not reach); the byte relative to that buffer's base; the value it expects.
 * The sleeper writes the last three, then the first (Atomics.store: the watchdog that sees 1 sees them).
 */
export const sleepingWord = (_threads: number, t: number): number => t * THREAD_STRIDE + 4;
export const sleepBufferWord = (_threads: number, t: number): number => t * THREAD_STRIDE + 5;
export const sleepByteWord = (_threads: number, t: number): number => t * THREAD_STRIDE + 6;
export const sleepExpectedWord = (_threads: number, t: number): number => t * THREAD_STRIDE + 7;
/** Word of thread `t`, in-worker trials: k + 1 while it sets up (Phase.SETTING_UP) or grades (Phase.GRADING) the batch's k-th trial. */
export const gradingWord = (_threads: number, t: number): number => t * THREAD_STRIDE + 8;

/** Where a thread is in its batch; the watchdog applies the hang rule only during TRIALS. */
export const Phase = {
  /** The task has not reached the worker yet (the previous batch is still replying, or the worker is starting). */
  QUEUED: 0,
  /** Importing the suite module in the worker. */
  LOADING: 1,
  /** Awaiting the suite's prepare() in the worker. */
  PREPARING: 2,
  /** Running trials: no progress for the timeout is a hang. */
  TRIALS: 3,
  /** Trials done; flushing output and replying. */
  REPLYING: 4,
  /**
   * In-worker trials: grading a finished trial (the suite's invariants and outcome, in this worker).
   * Suite code outside any trial, bounded like prepare(), not a hang of the trial in progress.
   */
  GRADING: 5,
  /**
   * In-worker trials: running the suite's setup for the next trial, before its start gate. Suite code
   * outside any trial, bounded like prepare(): a slow setup is not a hang of the trial before it.
   */
  SETTING_UP: 6,
} as const;
export type PhaseValue = (typeof Phase)[keyof typeof Phase];

export const PHASE_NAMES: Record<PhaseValue, string> = {
  [Phase.QUEUED]: 'starting its worker',
  [Phase.LOADING]: 'loading the suite module',
  [Phase.PREPARING]: 'awaiting prepare()',
  [Phase.TRIALS]: 'running trials',
  [Phase.REPLYING]: 'replying (flushing its output)',
  [Phase.GRADING]: 'checking the invariants of a finished trial',
  [Phase.SETTING_UP]: 'setting up a trial',
};

/**
 * The control buffer of a controlled batch (one per batch, like the gate and the progress words):
 * where the threads of a controlled trial pass the turn, keep the futex model's records and the
 * strategy's state. Every word is read and written with the real Atomics (interpose.ts REAL), by
 * the thread holding the turn, except where a comment says otherwise. The executor's watchdog
 * reads TURN, STEP and the labels (batch-watch.ts).
 *
 * The buffer is reused trial after trial: the last thread to leave a trial resets it (model.ts
 * reset) before it arrives at the next start gate, so no reset can race the next trial's enter().
 * The execution and decision logs are not here: they are kept by each worker, only for a trial the
 * task asks to log (a rerun), so the buffer stays a few KB.
 */
import { strategyStateSlots } from '../../../schedule/strategy.js';

// ---- header (Int32 words) ----
/** Thread holding the turn, -1 when none (before the first decision, after the trial, after a finding). The watchdog reads it. */
export const H_TURN = 0;
/** Decisions made so far in this trial; the next decision's step number. The watchdog reads it as progress. */
export const H_STEP = 1;
/** Threads that have entered the model this trial (atomic add; the last to arrive makes decision 0). */
export const H_ARRIVED = 2;
/** Threads that have left the model this trial (atomic add; the last to leave resets the buffer). */
export const H_DONE = 3;
/** What ended the trial early: a Flag. Once not RUNNING, every modelled call throws (the sticky abort). */
export const H_FLAG = 4;
/** Order of blocking waits: a waiter's sequence number, so notify wakes FIFO as the spec's waiter list does. */
export const H_WAIT_SEQ = 5;
/** Step of the last write (on a trial buffer) that changed a value: the livelock and hang rules count from it. */
export const H_LAST_CHANGE = 6;
/** Preemptions: switches away from a thread that could have gone on. */
export const H_PREEMPTIONS = 7;
/** Running 32-bit hash of the execution log (thread, op, buffer id, byte index, result class). */
export const H_HASH = 8;
/** Operations executed so far (the execution log's length, logged or not). */
export const H_EXECUTED = 9;
/** The thread that made the finding, -1 when none. */
export const H_FINDER = 10;
/** 1 when the last decision preempted: the next operation executed is marked preempted in a log. */
export const H_PREEMPT_PENDING = 11;
/** Step of the last virtual-clock jump made because only timeouts could move (the hang rule's reference). */
export const H_QUIET_CHANGE = 12;
/** Decisions in a row that let the current thread go on while another could run (the starvation rule, strategy.ts STARVATION_SPAN). */
export const H_STREAK = 13;
/** Step of the last write that changed a value (only that: H_LAST_CHANGE also moves on first reads); each thread's set of read words starts afresh after it. */
export const H_LAST_WRITE = 14;
const HEADER_WORDS = 16;

/** What ended a controlled trial early (H_FLAG). */
export const Flag = {
  RUNNING: 0,
  /** Every unfinished thread blocked, no timeout pending; or only timed re-checks of unchanged words for longer than the trial timeout. */
  DEADLOCK: 1,
  /** No write changed a value for the idle step bound. */
  LIVELOCK: 2,
  /** A thread blocked forever on a buffer the trial state does not reach. */
  OUTSIDE: 3,
  /** The step bound: the trial is too long to run controlled (not a bug). */
  TOO_LONG: 4,
} as const;
export type FlagValue = (typeof Flag)[keyof typeof Flag];

// ---- per-thread records (Int32 words; 16 per thread, their own cache line) ----
/** Record word: the thread's ThreadState. */
export const R_STATE = 0;
/** Record word: the buffer id of the word it is blocked on (wait). */
export const R_BUFFER = 1;
/** Record word: the byte index of that word in its buffer. */
export const R_BYTE = 2;
/** Record word: the value the wait expected (as a Number: BigInt64 values are shown rounded). */
export const R_EXPECTED = 3;
/** Record word: how a blocked wait ended: Wake. */
export const R_WAKE = 4;
/** Record word: the wait's sequence number (H_WAIT_SEQ), for FIFO wake-ups. */
export const R_SEQ = 5;
/** Record word: 1 when the blocked wait has a timeout (its deadline is in the Float64 area). */
export const R_TIMED = 6;
/**
 * Record word: the turn word. The passer stores 1 and notifies if R_SLEEPING; the owner spins or
 * waits (the real Atomics.wait) while it is 0, then stores 0. With R_SLEEPING it forms a Dekker
 * pair under sequentially consistent atomics, so no hand-off is lost.
 */
export const R_TURN = 7;
/** Record word: 1 while the owner sleeps on R_TURN (set before its last check, cleared after waking). */
export const R_SLEEPING = 8;
/** Record word: length of the label text in the label area (the call the thread is in). */
export const R_LABEL_LENGTH = 9;
/** Record word: the step at which the thread last ran (was picked) or woke: how long it has been held off (SchedulerView.heldOff). */
export const R_RAN_STEP = 10;
const RECORD_WORDS = 16;

/** A thread's state in the model (R_STATE). */
export const ThreadState = { NONE: 0, RUNNABLE: 1, BLOCKED: 2, DONE: 3 } as const;
/** How a blocked wait ended (R_WAKE). */
export const Wake = { NONE: 0, NOTIFIED: 1, TIMED_OUT: 2 } as const;

/** Characters of a label kept in the label area (written by its own thread only, read by a finder and the watchdog). */
export const LABEL_CHARS = 48;

// ---- Float64 area ----
/** Float64 slot: the virtual clock, ms since the trial entered the model. */
export const F_CLOCK = 0;
/** Float64 slot: the virtual time of the last write that changed a value (the hang rule's reference). */
export const F_LAST_CHANGE_TIME = 1;
/** Float64 slots from here: each thread's wait deadline (virtual ms). */
const F_DEADLINES = 2;

/** Where everything is, for `threads` threads. */
export class ControlLayout {
  readonly strategyBase = HEADER_WORDS;
  readonly recordBase: number;
  readonly labelBase: number;
  readonly int32Words: number;
  /** Byte offset of the Float64 area (8-aligned). */
  readonly float64Offset: number;
  readonly float64Slots: number;
  readonly bytes: number;

  constructor(readonly threads: number) {
    const strategyWords = Math.ceil(strategyStateSlots(threads) / 16) * 16;
    this.recordBase = HEADER_WORDS + strategyWords;
    this.labelBase = this.recordBase + RECORD_WORDS * threads;
    this.int32Words = this.labelBase + (LABEL_CHARS / 2) * threads;
    this.float64Offset = Math.ceil((this.int32Words * 4) / 8) * 8;
    this.float64Slots = F_DEADLINES + threads;
    this.bytes = this.float64Offset + 8 * this.float64Slots;
  }

  /** Int32 index of word `w` of thread `t`'s record. */
  record(t: number, w: number): number {
    return this.recordBase + t * RECORD_WORDS + w;
  }

  /** Float64 index of thread `t`'s wait deadline. */
  deadline(t: number): number {
    return F_DEADLINES + t;
  }

  /** Uint16 index of thread `t`'s label text. */
  labelChars(t: number): number {
    return (this.labelBase + t * (LABEL_CHARS / 2)) * 2;
  }
}

/** A new control buffer for `threads` threads: every thread NONE, no turn holder. */
export function createControlBuffer(threads: number): SharedArrayBuffer {
  const layout = new ControlLayout(threads);
  const buffer = new SharedArrayBuffer(layout.bytes);
  new Int32Array(buffer)[H_TURN] = -1;
  new Int32Array(buffer)[H_FINDER] = -1;
  return buffer;
}

/** What the watchdog reads of a control buffer: who holds the turn, the step, and that thread's call. */
export function readTurn(buffer: SharedArrayBuffer, threads: number): { thread: number; step: number; label: string } {
  const layout = new ControlLayout(threads);
  const i32 = new Int32Array(buffer, 0, layout.int32Words);
  const thread = Atomics.load(i32, H_TURN);
  const step = Atomics.load(i32, H_STEP);
  return { thread, step, label: thread >= 0 && thread < threads ? readLabel(buffer, layout, thread) : '' };
}

/**
 * Thread `t`'s label text (what call it is in). Plain reads: inside a trial the reader got the turn
 * after the writer passed it (the hand-off's atomics order them); the watchdog's read may be racy,
 * which is harmless since it is only shown. (And plain reads cannot reach the patched Atomics.)
 */
export function readLabel(buffer: SharedArrayBuffer, layout: ControlLayout, t: number): string {
  const i32 = new Int32Array(buffer, 0, layout.int32Words);
  const length = Math.max(0, Math.min(LABEL_CHARS, i32[layout.record(t, R_LABEL_LENGTH)]!));
  const chars = new Uint16Array(buffer, 0, layout.int32Words * 2);
  const start = layout.labelChars(t);
  return String.fromCharCode(...chars.subarray(start, start + length));
}

/**
 * Controlled scheduling, the shapes every stage shares (plain data, structured-clone safe):
 * the plan's schedule axis, the strategy a controlled trial runs under, and the interleaving a
 * failing controlled trial is shown with. docs/design/controlled-scheduling.md has the design.
 *
 * Under control exactly one actor thread runs at a time between scheduling points (every
 * Atomics call on a buffer of the trial state, every yieldPoint(), an actor's start and end); a
 * strategy picks the next thread from (its seed, the step number, the runnable threads), so a
 * trial's interleaving is a function of its schedule spec and replays exactly.
 */

/**
 * A configuration's schedule, one value of the plan's schedule axis (flag `--schedule`):
 * `free` is today's free-running stress with jitter; the others run every trial controlled.
 * `ctl` is the portfolio (trial i uses member i mod m), `random` a random walk, `pct:D` PCT of depth D.
 */
export type ScheduleName = 'free' | 'ctl' | 'random' | `pct:${number}`;

/** How one controlled trial picks the next thread at each step. */
export type ScheduleSpec =
  /** At each step, a uniformly drawn runnable thread. */
  | { kind: 'random'; seed: number }
  /**
   * PCT (Burckhardt et al., ASPLOS 2010): random distinct thread priorities and depth-1 priority
   * change points drawn uniformly in steps [1, steps]; the highest-priority runnable thread runs.
   */
  | { kind: 'pct'; seed: number; depth: number; steps: number }
  /**
   * Non-preemptive (the current thread goes on until it blocks or ends, then the next runnable
   * after it, round-robin), except at the listed steps, where the listed thread runs. What replay
   * and shrinking use: the failing trial's decisions, as few as still fail.
   */
  | { kind: 'switches'; switches: Array<[step: number, thread: number]> };

/** One executed scheduling step of a controlled trial, as reports print it. */
export interface InterleavingStep {
  /** 1-based, in execution order. */
  step: number;
  /** Trial thread index (0-based), shown as t0, t1, ... */
  thread: number;
  /** `load`, `store`, `add`, `compareExchange`, `wait`, `notify`, `yield`, `start`, `end`, ... */
  op: string;
  /** The word it touched, named from the trial state where possible (`board[1]`, `lock+64`). */
  word?: string;
  /** What it read, wrote or returned, as text (`-> 0`, `<- 1`, `timed-out`). */
  value?: string;
  /** The call it was made in: a contract method or primitive operation (`acquire()`), when known. */
  label?: string;
  /** This step took the turn from a thread that could have gone on. */
  preempted?: boolean;
}

/** A thread a controlled finding names: what it was doing when the finding was made. */
export interface BlockedThread {
  thread: number;
  /** The call it is in (`acquire()`, `Lock.acquire`), or 'unknown'. */
  call: string;
  /** `Atomics.wait` on this word, expecting this value; absent when not blocked in a wait. */
  word?: string;
  expected?: string;
}

/** What the model found in a controlled trial, the instant it happened. */
export interface ScheduleFinding {
  /**
   * deadlock: every unfinished thread is blocked and no timeout is pending (a deadlock or a lost
   * wakeup). livelock: threads keep running with no write changing a value past the step bound.
   * outside: the thread holding the turn blocked outside the model (a synchronous call, a real
   * Atomics.wait reached another way). async: an actor awaited something the model cannot see.
   */
  kind: 'deadlock' | 'livelock' | 'outside' | 'async';
  message: string;
  threads: BlockedThread[];
}

/** The schedule side of a failing controlled trial, kept with its failure sample. */
export interface ScheduleSample {
  /** The strategy the trial ran under (a shrunk switch list when shrinking found one). */
  spec: ScheduleSpec;
  /** The interleaving, trimmed to the steps that matter (see the reporters' trimming rule). */
  steps: InterleavingStep[];
  /** Steps of the whole trial, before trimming. */
  totalSteps: number;
  /** First 8 hex digits of a hash of the whole interleaving: replay checks it. */
  hash: string;
}

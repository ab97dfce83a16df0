/**
 * The model of a controlled trial, one instance per worker (docs/design/controlled-scheduling.md,
 * sections 3 and 5): exactly one actor thread runs at a time, between scheduling points; the thread
 * holding the turn decides who runs next (the strategy, strategy.ts), and passes the turn through
 * the control buffer (control-words.ts). Atomics on the trial's buffers run against an exact futex
 * model with virtual time; findings (deadlock or lost wakeup, livelock, a wait nobody can end) are
 * made the instant they happen and end the trial with a sticky abort.
 *
 * Every shared word is accessed with REAL (interpose.ts): inside the window Atomics is patched.
 */
import type { BlockedThread, InterleavingStep, ScheduleFinding, ScheduleSpec } from '../../../schedule/types.js';
import { type Scheduler, type SchedulerView, type StrategyState, DIVERGED_SLOT, defaultPick, mix, schedulerFor } from '../../../schedule/strategy.js';
import {
  ControlLayout,
  F_CLOCK,
  F_LAST_CHANGE_TIME,
  Flag,
  type FlagValue,
  H_ARRIVED,
  H_DONE,
  H_EXECUTED,
  H_FINDER,
  H_FLAG,
  H_HASH,
  H_LAST_CHANGE,
  H_STREAK,
  H_LAST_WRITE,
  H_PREEMPTIONS,
  H_PREEMPT_PENDING,
  H_QUIET_CHANGE,
  H_STEP,
  H_TURN,
  H_WAIT_SEQ,
  LABEL_CHARS,
  R_BUFFER,
  R_BYTE,
  R_EXPECTED,
  R_LABEL_LENGTH,
  R_RAN_STEP,
  R_SEQ,
  R_SLEEPING,
  R_STATE,
  R_TIMED,
  R_TURN,
  R_WAKE,
  ThreadState,
  Wake,
  readLabel,
} from './control-words.js';
import { type BufferIds, INTERNAL_BUFFER } from './buffer-ids.js';
import { type MemoryOp, type ModelTarget, REAL, patch, realDate, unpatch, unpatchableReason } from './interpose.js';

/** The model cannot run this trial at all (the actor's outcome; the other threads' wait ends at the watchdog). */
export class ScheduleRefusal extends Error {
  readonly code = 'ERR_SCHED_UNPATCHABLE';
  constructor(why: string) {
    super(`controlled scheduling replaces these for the trial, but ${why}: set controlled: false in the suite (its controlled configurations are then skipped), or run with --schedule free`);
    this.name = 'ScheduleRefusal';
  }
}

/** Thrown from every scheduling point once a finding has ended the trial; user catch blocks cannot resume it. */
export class ScheduleAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleAbort';
  }
}

export interface ModelLimits {
  /** Decisions per trial at most: past it the trial is too long to run controlled (not a bug). */
  maxSteps: number;
  /** Decisions with no write changing a value, at most: past it, a livelock. */
  maxIdleSteps: number;
  /** The trial timeout: only timed re-checks of unchanged words for longer (virtual) is a hang. */
  timeoutMs: number;
}

/** The last thread out's account of a controlled trial. */
export interface TrialSummary {
  steps: number;
  preemptions: number;
  /** 8 hex digits of the execution log's hash. */
  hash: string;
  executed: number;
  flag: FlagValue;
  /** First step (0-based) where a switch list no longer fit the code; absent when it fit. */
  diverged?: number;
}

/** One executed operation of a logged trial (kept by the thread that executed it). */
export interface LoggedOp {
  /** Position in the trial's execution order (0-based). */
  exec: number;
  step: InterleavingStep;
}

/** What one thread reports of one controlled trial. Small unless the trial was logged. */
export interface ThreadTrialReport {
  /** Set by the thread that made the finding. */
  finding?: ScheduleFinding;
  /** Set when this thread found the trial too long to run controlled (the step bound). */
  tooLong?: string;
  /** Set by the last thread to leave the trial. */
  summary?: TrialSummary;
  /** This thread's operations, in a logged trial. */
  log?: LoggedOp[];
  /** This thread's decisions (step, thread picked) that differ from the non-preemptive default, in a logged trial. */
  switches?: Array<[step: number, thread: number]>;
}

/** Virtual time per decision, and per read of performance.now(): 1 microsecond. */
const TICK_MS = 0.001;
/** Words remembered per thread for the livelock rule (#touched); beyond this, forget and count afresh. */
const MAX_WORDS_SEEN = 1 << 16;
/**
 * A strategy may fire a pending timeout while other threads can run only when its deadline is this
 * close (virtual ms): a runnable thread held off the CPU for a millisecond is routine, so "the
 * timeout races the release" is explored; one held off for the 500 ms or 4 s of a safety-net
 * timeout is not, and firing those early made correct code fail (a lock's tryAcquire phases, an
 * Event.wait(4000), a barrier's wait timeout).
 */
export const EARLY_TIMEOUT_WINDOW_MS = 1;
/** Longest single real wait for the turn before re-checking (a cancelled batch's workers are destroyed anyway). */
const TURN_WAIT_SLICE_MS = 1000;

const OP_CODES: Record<string, number> = { start: 1, end: 2, yield: 3, wait: 4, woken: 5, notify: 6, load: 7, store: 8, add: 9, sub: 10, and: 11, or: 12, xor: 13, exchange: 14, compareExchange: 15 };

type IntegerArray = Parameters<ModelTarget['memoryOp']>[1];

export class ScheduleModel implements ModelTarget {
  readonly #layout: ControlLayout;
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #chars: Uint16Array;
  readonly #me: number;
  readonly #threads: number;
  readonly #limits: ModelLimits;
  readonly #ids: BufferIds;
  readonly #strategyState: StrategyState;
  #scheduler: Scheduler | null = null;
  #label = '(start)';
  #labelWritten = '';
  #logging = false;
  #log: LoggedOp[] = [];
  #switches: Array<[number, number]> = [];
  #finding: ScheduleFinding | undefined;
  #tooLong: string | undefined;
  #random: () => number = Math.random;
  #epoch = 0;
  /**
   * Words this thread has touched without changing them since the last value change anyone made
   * (whose step is #wordsSince). Touching a new one counts as progress, so a thread reading a
   * large table is not a livelock; a spin re-reads the same few words and is.
   */
  readonly #wordsSeen = new Set<number>();
  #wordsSince = -1;
  /** This thread's last memory access (op, buffer id, byte): a livelock found by this thread says where it spins. */
  #lastOp = '';
  #lastId = 0;
  #lastByte = 0;
  /** enter() refused this trial (ScheduleRefusal): the thread is not in the model. */
  #refused = false;

  constructor(control: SharedArrayBuffer, thread: number, threads: number, limits: ModelLimits, ids: BufferIds) {
    this.#layout = new ControlLayout(threads);
    this.#i32 = new Int32Array(control, 0, this.#layout.int32Words);
    this.#f64 = new Float64Array(control, this.#layout.float64Offset, this.#layout.float64Slots);
    this.#chars = new Uint16Array(control, 0, this.#layout.int32Words * 2);
    this.#me = thread;
    this.#threads = threads;
    this.#limits = limits;
    this.#ids = ids;
    const base = this.#layout.strategyBase;
    const i32 = this.#i32;
    this.#strategyState = { load: (slot) => REAL.load(i32, base + slot), store: (slot, v) => void REAL.store(i32, base + slot, v) };
  }

  // ---- the window ----

  /**
   * After the start gate: identify the trial's buffers, patch the globals, and wait for this
   * thread's first turn. The last thread to arrive initialises the strategy and makes decision 0,
   * which depends only on the spec, not on who arrived last. Returns the abort instead of
   * throwing it when a finding ended the trial before this thread's first turn: its actor must
   * not run then (the trial loop records the abort as its outcome).
   */
  enter(spec: ScheduleSpec, state: unknown, random: () => number, logging: boolean): Error | null {
    const unpatchable = unpatchableReason();
    // Not entered: exit() then leaves the control buffer alone (the thread never arrived).
    this.#refused = unpatchable !== undefined;
    if (unpatchable !== undefined) return new ScheduleRefusal(unpatchable);
    this.#ids.identify(state);
    this.#scheduler = schedulerFor(spec);
    this.#logging = logging;
    this.#log = [];
    this.#switches = [];
    this.#finding = undefined;
    this.#wordsSeen.clear();
    this.#wordsSince = -1;
    this.#lastOp = '';
    this.#tooLong = undefined;
    this.#random = random;
    this.#epoch = realDate();
    // The last trial's last thread out zeroed every label length: write this one afresh.
    this.#labelWritten = '';
    this.#setLabel('(start)');
    patch(this);
    this.#store(this.#rec(R_STATE), ThreadState.RUNNABLE);
    try {
      if (REAL.add(this.#i32, H_ARRIVED, 1) === this.#threads - 1) {
        this.#scheduler.init(this.#strategyState, this.#threads);
        this.#handTo(this.#decide(-1));
      } else this.#awaitTurn();
    } catch (err) {
      if (err instanceof ScheduleAbort) return err;
      throw err;
    }
    this.#logExec('start', 0, 0, 0, '');
    return null;
  }

  /**
   * After the actor (before the actor guard): unpatch, mark this thread done and hand the turn on.
   * The last thread out reads the summary and resets the buffer for the next trial.
   */
  exit(): ThreadTrialReport {
    if (this.#refused) return {};
    unpatch();
    const i32 = this.#i32;
    const running = REAL.load(i32, H_FLAG) === Flag.RUNNING;
    if (running) this.#logExec('end', 0, 0, 0, '');
    this.#store(this.#rec(R_STATE), ThreadState.DONE);
    const done = REAL.add(i32, H_DONE, 1) + 1;
    if (running && done < this.#threads) {
      // Someone is still in the trial: the next decision is this thread's last (it may be a finding).
      const next = this.#decide(this.#me);
      if (next >= 0) this.#pass(next);
    }
    const report: ThreadTrialReport = {};
    if (this.#finding !== undefined) report.finding = this.#finding;
    if (this.#tooLong !== undefined) report.tooLong = this.#tooLong;
    if (this.#logging) {
      report.log = this.#log;
      report.switches = this.#switches;
    }
    if (done === this.#threads) {
      report.summary = this.#summary();
      this.#reset();
    }
    this.#scheduler = null;
    return report;
  }

  /** A yield point (the primitives', a contract's op(), or the user's): names the call and is a scheduling point. */
  yieldPoint(label: string): void {
    this.#setLabel(label);
    this.#checkRunning();
    // Logged where the thread reached it, before the decision: the plain accesses before a yield
    // happened then, so a switch here must show after this step, not after the thread resumes.
    this.#logExec('yield', 0, 0, 0, '');
    this.#point();
  }

  /** Whether thread `t` is blocked in a modelled wait now: the actor context's isSleeping under control. */
  isBlocked(t: number): boolean {
    if (!Number.isInteger(t) || t < 0 || t >= this.#threads) return false;
    return REAL.load(this.#i32, this.#rec(R_STATE, t)) === ThreadState.BLOCKED;
  }

  // ---- the modelled globals (ModelTarget) ----

  memoryOp(op: MemoryOp, ta: IntegerArray, index: number, a: unknown, b: unknown): unknown {
    const real = REAL[op] as (...args: unknown[]) => unknown;
    const id = this.#ids.idOf((ta as { buffer?: ArrayBufferLike } | null)?.buffer as ArrayBufferLike);
    // Internal and unknown buffers: real, and not a point (an unknown one cannot be shared within the trial).
    if (id === undefined || id === INTERNAL_BUFFER) return real(ta, index, a, b);
    this.#checkRunning();
    this.#point();
    const before = op === 'load' ? undefined : REAL.load(ta as Int32Array, index);
    const result = real(ta, index, a, b);
    const byte = this.#byteOf(ta, index, id);
    if (before !== undefined && REAL.load(ta as Int32Array, index) !== before) {
      REAL.store(this.#i32, H_LAST_WRITE, REAL.load(this.#i32, H_STEP));
      this.#valueChanged();
    } else this.#touched(id, byte);
    this.#lastOp = op;
    this.#lastId = id;
    this.#lastByte = byte;
    const cls = op === 'compareExchange' ? (result === a ? 1 : 2) : 0;
    const text = op === 'load' ? `-> ${String(result)}` : op === 'store' ? `<- ${String(a)}` : op === 'compareExchange' ? `-> ${String(result)}${result === a ? ` (<- ${String(b)})` : ' (unchanged)'}` : `-> ${String(result)}`;
    this.#logExec(op, id, byte, cls, text);
    return result;
  }

  wait(ta: Int32Array | BigInt64Array, index: number, value: unknown, timeout: unknown): 'ok' | 'not-equal' | 'timed-out' {
    const id = this.#ids.idOf((ta as { buffer?: ArrayBufferLike } | null)?.buffer as ArrayBufferLike);
    const waitable = ta instanceof Int32Array || ta instanceof BigInt64Array;
    if (id === INTERNAL_BUFFER || !waitable) return REAL.wait(ta as Int32Array, index, value as number, timeout as number);
    this.#checkRunning();
    const ms = timeout === undefined ? Infinity : Number.isNaN(Number(timeout)) ? Infinity : Math.max(0, Number(timeout));
    const byte = this.#byteOf(ta, index, id);
    const current = REAL.load(ta as Int32Array, index) as unknown;
    const expected = ta instanceof BigInt64Array ? BigInt(value as bigint) : Number(value) | 0;
    if (id === undefined) {
      // A buffer the trial state does not reach: nobody in the trial can notify it. Not equal: as
      // real. Timed: a virtual sleep (what sleepStep() needs). Infinite: it can never end.
      if (current !== expected) return 'not-equal';
      if (ms === Infinity) {
        this.#flag(Flag.OUTSIDE, { expected: String(expected) });
        throw this.#abortError();
      }
    } else {
      this.#point();
      if (REAL.load(ta as Int32Array, index) !== expected) {
        this.#logExec('wait', id, byte, 1, 'not-equal');
        return 'not-equal';
      }
    }
    this.#block(id ?? -1, byte, Number(expected), ms);
    this.#logExec('wait', id ?? -1, byte, 0, `blocks (expected ${String(expected)}${ms === Infinity ? '' : `, ${Number(ms.toFixed(3))} ms`})`);
    this.#handTo(this.#decideOrAbort());
    const how = REAL.load(this.#i32, this.#rec(R_WAKE)) === Wake.NOTIFIED ? 'ok' : 'timed-out';
    this.#store(this.#rec(R_WAKE), Wake.NONE);
    this.#logExec('woken', id ?? -1, byte, how === 'ok' ? 1 : 2, how);
    return how;
  }

  notify(ta: Int32Array | BigInt64Array, index: number, count: unknown): number {
    const id = this.#ids.idOf((ta as { buffer?: ArrayBufferLike } | null)?.buffer as ArrayBufferLike);
    if (id === undefined || id === INTERNAL_BUFFER) return REAL.notify(ta as Int32Array, index, count as number);
    this.#checkRunning();
    this.#point();
    const byte = this.#byteOf(ta, index, id);
    const i32 = this.#i32;
    const waiters: number[] = [];
    for (let t = 0; t < this.#threads; t++) {
      if (REAL.load(i32, this.#rec(R_STATE, t)) === ThreadState.BLOCKED && REAL.load(i32, this.#rec(R_BUFFER, t)) === id && REAL.load(i32, this.#rec(R_BYTE, t)) === byte) waiters.push(t);
    }
    // FIFO, as the spec's waiter list: the earliest wait first.
    waiters.sort((x, y) => REAL.load(i32, this.#rec(R_SEQ, x)) - REAL.load(i32, this.#rec(R_SEQ, y)));
    const limit = count === undefined ? Infinity : Math.max(0, Math.trunc(Number(count)) || 0);
    const woken = Math.min(waiters.length, limit);
    for (let j = 0; j < woken; j++) this.#wake(waiters[j]!, Wake.NOTIFIED);
    this.#logExec('notify', id, byte, woken, `-> ${woken}`);
    return woken;
  }

  waitAsync(ta: Int32Array | BigInt64Array, index: number, value: unknown, timeout: unknown): unknown {
    const id = this.#ids.idOf((ta as { buffer?: ArrayBufferLike } | null)?.buffer as ArrayBufferLike);
    if (id === undefined || id === INTERNAL_BUFFER) return REAL.waitAsync!(ta, index, value, timeout);
    throw Object.assign(
      new TypeError(
        'Atomics.waitAsync on a buffer of the trial state under controlled scheduling: not modelled, so async waits (and the primitives\' *Async methods) cannot run controlled; use the synchronous forms in actors, or set controlled: false in the suite, or run with --schedule free',
      ),
      { code: 'ERR_SCHED_ASYNC' },
    );
  }

  /** Virtual time: the clock, advanced 1 us per read so that loops spinning on it end. */
  now(): number {
    const clock = this.#f64[F_CLOCK]! + TICK_MS;
    this.#f64[F_CLOCK] = clock;
    return clock;
  }

  /** Virtual wall-clock time: moves with the clock, and like now() each read advances it, so a `while (Date.now() < end)` busy-wait ends. */
  dateNow(): number {
    return this.#epoch + Math.floor(this.now());
  }

  random(): number {
    return this.#random();
  }

  // ---- turn passing ----

  /** A scheduling point: decide, and return once this thread holds the turn again. */
  #point(): void {
    this.#handTo(this.#decideOrAbort());
  }

  #decideOrAbort(): number {
    const next = this.#decide(this.#me);
    if (next < 0) throw this.#abortError();
    return next;
  }

  #handTo(next: number): void {
    if (next === this.#me) {
      REAL.store(this.#i32, H_TURN, next);
      return;
    }
    this.#pass(next);
    this.#awaitTurn();
  }

  /** Gives the turn to `t`: its turn word, then a notify only if it sleeps (the Dekker pair with R_SLEEPING). */
  #pass(t: number): void {
    const i32 = this.#i32;
    REAL.store(i32, H_TURN, t);
    REAL.store(i32, this.#rec(R_TURN, t), 1);
    if (REAL.load(i32, this.#rec(R_SLEEPING, t)) !== 0) REAL.notify(i32, this.#rec(R_TURN, t), 1);
  }

  /**
   * Blocks until this thread's turn word is set. No spinning (measured: spinners steal the 2 cores
   * from the one thread doing work): announce the sleep, re-check, then the real Atomics.wait, in
   * slices so that a lost batch cannot park a worker for ever.
   */
  #awaitTurn(): void {
    const i32 = this.#i32;
    const word = this.#rec(R_TURN);
    if (REAL.load(i32, word) === 0) {
      REAL.store(i32, this.#rec(R_SLEEPING), 1);
      // Woken by #pass's notify (it saw R_SLEEPING) or by the slice ending; the loop re-checks the word.
      while (REAL.load(i32, word) === 0) REAL.wait(i32, word, 0, TURN_WAIT_SLICE_MS);
      REAL.store(i32, this.#rec(R_SLEEPING), 0);
    }
    REAL.store(i32, word, 0);
    if (REAL.load(i32, H_FLAG) !== Flag.RUNNING) throw this.#abortError();
  }

  // ---- decisions ----

  /**
   * One decision, by the thread holding the turn, at its point (`current`, -1 for decision 0):
   * wake expired timeouts, ask the strategy, or, when nothing can run, jump the virtual clock to
   * the earliest deadline or make the finding. Returns the thread to run, or -1 after a finding.
   */
  #decide(current: number): number {
    const i32 = this.#i32;
    const f64 = this.#f64;
    const step = REAL.add(i32, H_STEP, 1);
    f64[F_CLOCK]! += TICK_MS;
    let idle = step - REAL.load(i32, H_LAST_CHANGE);
    if (step >= this.#limits.maxSteps) return this.#flag(Flag.TOO_LONG);
    // At the idle bound with a thread asleep in a timed wait, its timeout comes first: runnable
    // threads spinning that long would see it expire in real time too (a busy-wait beside a long
    // sleep). Only with nobody asleep on a timeout is it a livelock. Never sooner: "no progress"
    // for a few thousand steps is routine (a holder's own spin, PCT favouring a spinner), and
    // firing a suite's 4 s safety-net timeout there made correct code fail.
    if (idle > this.#limits.maxIdleSteps) {
      if (!this.#fireEarliestTimeout(step)) return this.#flag(Flag.LIVELOCK);
      idle = 0;
    }
    for (;;) {
      const clock = f64[F_CLOCK]!;
      const runnable: number[] = [];
      let earliest = -1;
      for (let t = 0; t < this.#threads; t++) {
        const st = REAL.load(i32, this.#rec(R_STATE, t));
        const timed = st === ThreadState.BLOCKED && REAL.load(i32, this.#rec(R_TIMED, t)) === 1;
        if (timed && f64[this.#layout.deadline(t)]! <= clock) {
          this.#wake(t, Wake.TIMED_OUT);
          runnable.push(t);
        } else if (st === ThreadState.RUNNABLE) runnable.push(t);
        else if (timed && (earliest < 0 || f64[this.#layout.deadline(t)]! < f64[this.#layout.deadline(earliest)]!)) earliest = t;
      }
      if (runnable.length > 0) {
        // With threads runnable, only a deadline within the window may be fired early (see EARLY_TIMEOUT_WINDOW_MS).
        const fireable = earliest >= 0 && f64[this.#layout.deadline(earliest)]! - clock <= EARLY_TIMEOUT_WINDOW_MS ? earliest : -1;
        const streak = REAL.load(i32, H_STREAK);
        let heldOff = 0;
        for (const t of runnable) if (t !== current) heldOff = Math.max(heldOff, step - REAL.load(i32, this.#rec(R_RAN_STEP, t)));
        return this.#choose({ step, current, runnable, earliestTimeout: fireable, threads: this.#threads, idleSteps: idle, streak, heldOff });
      }
      if (earliest < 0) return this.#flag(Flag.DEADLOCK);
      // Only timeouts can move. Re-checks of words nobody changes, for longer than the trial
      // timeout in virtual time, are a hang (a lost wakeup under waits that wake to re-check).
      if (clock - f64[F_LAST_CHANGE_TIME]! > this.#limits.timeoutMs) return this.#flag(Flag.DEADLOCK, { timedOnly: true });
      REAL.store(i32, H_QUIET_CHANGE, step);
      f64[F_CLOCK] = f64[this.#layout.deadline(earliest)]!;
    }
  }

  /** Wakes the blocked thread with the earliest timeout, moving the clock to its deadline, and counts it as progress. False: nobody waits with a timeout. */
  #fireEarliestTimeout(step: number): boolean {
    const i32 = this.#i32;
    const f64 = this.#f64;
    let earliest = -1;
    for (let t = 0; t < this.#threads; t++) {
      const timed = REAL.load(i32, this.#rec(R_STATE, t)) === ThreadState.BLOCKED && REAL.load(i32, this.#rec(R_TIMED, t)) === 1;
      if (timed && (earliest < 0 || f64[this.#layout.deadline(t)]! < f64[this.#layout.deadline(earliest)]!)) earliest = t;
    }
    if (earliest < 0) return false;
    f64[F_CLOCK] = Math.max(f64[F_CLOCK]!, f64[this.#layout.deadline(earliest)]!);
    this.#wake(earliest, Wake.TIMED_OUT);
    REAL.store(i32, H_LAST_CHANGE, step);
    return true;
  }

  #choose(view: SchedulerView): number {
    const decision = this.#scheduler!.next(view, this.#strategyState);
    const fallback = defaultPick(view);
    let pick: number;
    if (typeof decision === 'object') {
      // Only the earliest deadline may fire: then the clock passes no waiter without timing it out.
      if (decision.fire === view.earliestTimeout) {
        pick = decision.fire;
        this.#f64[F_CLOCK] = Math.max(this.#f64[F_CLOCK]!, this.#f64[this.#layout.deadline(pick)]!);
        this.#wake(pick, Wake.TIMED_OUT);
      } else pick = fallback;
    } else pick = view.runnable.includes(decision) ? decision : fallback;
    const preempted = view.current >= 0 && pick !== view.current && view.runnable.includes(view.current);
    // The starvation rule's count: the current thread went on while another could have run.
    const alone = pick === view.current && view.runnable.length > 1;
    REAL.store(this.#i32, H_STREAK, alone ? REAL.load(this.#i32, H_STREAK) + 1 : 0);
    if (preempted) {
      REAL.add(this.#i32, H_PREEMPTIONS, 1);
      REAL.store(this.#i32, H_PREEMPT_PENDING, 1);
    }
    if (this.#logging && pick !== fallback) this.#switches.push([view.step, pick]);
    REAL.store(this.#i32, this.#rec(R_RAN_STEP, pick), view.step);
    return pick;
  }

  #wake(t: number, how: number): void {
    REAL.store(this.#i32, this.#rec(R_WAKE, t), how);
    // Runnable from this step: time asleep is not time held off (SchedulerView.heldOff).
    REAL.store(this.#i32, this.#rec(R_RAN_STEP, t), REAL.load(this.#i32, H_STEP));
    REAL.store(this.#i32, this.#rec(R_STATE, t), ThreadState.RUNNABLE);
  }

  #block(buffer: number, byte: number, expected: number, ms: number): void {
    const i32 = this.#i32;
    REAL.store(i32, this.#rec(R_BUFFER), buffer);
    REAL.store(i32, this.#rec(R_BYTE), byte);
    REAL.store(i32, this.#rec(R_EXPECTED), expected);
    REAL.store(i32, this.#rec(R_SEQ), REAL.add(i32, H_WAIT_SEQ, 1));
    REAL.store(i32, this.#rec(R_WAKE), Wake.NONE);
    REAL.store(i32, this.#rec(R_TIMED), ms === Infinity ? 0 : 1);
    this.#f64[this.#layout.deadline(this.#me)] = this.#f64[F_CLOCK]! + (ms === Infinity ? 0 : ms);
    REAL.store(i32, this.#rec(R_STATE), ThreadState.BLOCKED);
  }

  /**
   * An access that changed no value: progress only if this thread had not touched that word since
   * the last write that changed one (by anyone). Not since the last progress: then two threads
   * re-reading one word would count each other's first reads as news, for ever.
   */
  #touched(id: number, byte: number): void {
    const lastWrite = REAL.load(this.#i32, H_LAST_WRITE);
    if (lastWrite !== this.#wordsSince || this.#wordsSeen.size >= MAX_WORDS_SEEN) {
      this.#wordsSeen.clear();
      this.#wordsSince = lastWrite;
    }
    const key = id * 2 ** 32 + byte;
    if (this.#wordsSeen.has(key)) return;
    this.#wordsSeen.add(key);
    this.#valueChanged();
  }

  #valueChanged(): void {
    REAL.store(this.#i32, H_LAST_CHANGE, REAL.load(this.#i32, H_STEP));
    this.#f64[F_LAST_CHANGE_TIME] = this.#f64[F_CLOCK]!;
  }

  // ---- findings ----

  /**
   * Ends the trial with a finding made by this thread: describe every unfinished thread, set the
   * flag, and pass the turn to all of them (each throws ScheduleAbort from the point it waits in).
   * Returns -1 (the caller throws, or, in exit(), just leaves).
   */
  #flag(flag: FlagValue, detail: { timedOnly?: boolean; expected?: string } = {}): number {
    const i32 = this.#i32;
    const threads = this.#describeThreads();
    const names = threads.map((b) => `t${b.thread} in ${b.call}${b.word === undefined ? ' (runnable)' : ` on Atomics.wait(${b.word}, expected ${b.expected})`}`).join('; ');
    const steps = REAL.load(i32, H_STEP);
    if (flag === Flag.DEADLOCK && detail.timedOnly === true) {
      const quiet = Math.round(this.#f64[F_CLOCK]! - this.#f64[F_LAST_CHANGE_TIME]!);
      this.#finding = { kind: 'deadlock', message: `deadlock or lost wakeup: every unfinished thread only re-checks in timed waits, and no write changed a value for ${quiet} virtual ms (trial timeout ${this.#limits.timeoutMs} ms): ${names}`, threads };
    } else if (flag === Flag.DEADLOCK) {
      this.#finding = { kind: 'deadlock', message: `deadlock or lost wakeup: every unfinished thread is blocked and no timeout is pending (step ${steps}): ${names}`, threads };
    } else if (flag === Flag.LIVELOCK) {
      const where = this.#lastOp === '' ? '' : ` (t${this.#me} last did ${this.#lastOp} on buf${this.#lastId}+${this.#lastByte})`;
      this.#finding = { kind: 'livelock', message: `livelock: no write changed a value, and no thread read a word it had not read, for ${this.#limits.maxIdleSteps} steps (step ${steps}): ${names}${where}`, threads };
    } else if (flag === Flag.OUTSIDE) {
      this.#finding = {
        kind: 'outside',
        message: `t${this.#me} in ${this.#label}: Atomics.wait on a buffer the trial state does not reach (expected ${detail.expected ?? '?'}): under controlled scheduling it can never be woken; put the buffer in the state setup() returns`,
        threads: [{ thread: this.#me, call: this.#label, word: 'a buffer outside the trial state', expected: detail.expected ?? '?' }],
      };
    } else {
      this.#tooLong = `more than ${this.#limits.maxSteps} scheduling steps while values kept changing (its free-running configurations still test it; fewer iterations would fit)`;
    }
    REAL.store(i32, H_FINDER, this.#me);
    REAL.store(i32, H_FLAG, flag);
    for (let t = 0; t < this.#threads; t++) {
      if (t !== this.#me && REAL.load(i32, this.#rec(R_STATE, t)) !== ThreadState.DONE) this.#pass(t);
    }
    // Several threads now run at once, each to its abort: nobody holds the turn.
    REAL.store(i32, H_TURN, -1);
    return -1;
  }

  #describeThreads(): BlockedThread[] {
    const i32 = this.#i32;
    const out: BlockedThread[] = [];
    for (let t = 0; t < this.#threads; t++) {
      const st = REAL.load(i32, this.#rec(R_STATE, t));
      if (st === ThreadState.DONE) continue;
      const call = (t === this.#me ? this.#label : readLabel(i32.buffer as SharedArrayBuffer, this.#layout, t)) || 'unknown';
      const b: BlockedThread = { thread: t, call };
      if (st === ThreadState.BLOCKED) {
        const buffer = REAL.load(i32, this.#rec(R_BUFFER, t));
        b.word = buffer < 0 ? 'a buffer outside the trial state' : `buf${buffer}+${REAL.load(i32, this.#rec(R_BYTE, t))}`;
        b.expected = String(REAL.load(i32, this.#rec(R_EXPECTED, t)));
      }
      out.push(b);
    }
    return out;
  }

  #checkRunning(): void {
    if (REAL.load(this.#i32, H_FLAG) !== Flag.RUNNING) throw this.#abortError();
  }

  #abortError(): ScheduleAbort {
    const flag = REAL.load(this.#i32, H_FLAG);
    const what = flag === Flag.DEADLOCK ? 'a deadlock or lost wakeup' : flag === Flag.LIVELOCK ? 'a livelock' : flag === Flag.OUTSIDE ? 'a wait outside the model' : 'the step bound';
    return new ScheduleAbort(`controlled trial ended by ${what}, found by t${REAL.load(this.#i32, H_FINDER)}; t${this.#me} was in ${this.#label}`);
  }

  // ---- logs, labels, summary ----

  #logExec(op: string, buffer: number, byte: number, resultClass: number, value: string): void {
    const i32 = this.#i32;
    const exec = REAL.add(i32, H_EXECUTED, 1);
    const code = OP_CODES[op]!;
    // The hash leaves values out (owner tokens differ between runs), but keeps who did what where,
    // and the outcome of waits, notifies and compare-exchanges.
    REAL.store(i32, H_HASH, mix(REAL.load(i32, H_HASH) ^ resultClass, this.#me * 256 + code, buffer * 65536 + byte) | 0);
    const preempted = REAL.load(i32, H_PREEMPT_PENDING) === 1;
    if (preempted) REAL.store(i32, H_PREEMPT_PENDING, 0);
    if (!this.#logging) return;
    const step: InterleavingStep = { step: exec + 1, thread: this.#me, op, label: this.#label };
    if (buffer !== 0) step.word = buffer < 0 ? 'unknown' : `buf${buffer}+${byte}`;
    if (value !== '') step.value = value;
    if (preempted) step.preempted = true;
    this.#log.push({ exec, step });
  }

  /** The label names the call this thread is in (findings, the watchdog); copied to shared memory only when it changes. */
  #setLabel(label: string): void {
    this.#label = label;
    if (label === this.#labelWritten) return;
    this.#labelWritten = label;
    const start = this.#layout.labelChars(this.#me);
    const length = Math.min(label.length, LABEL_CHARS);
    for (let c = 0; c < length; c++) this.#chars[start + c] = label.charCodeAt(c);
    REAL.store(this.#i32, this.#rec(R_LABEL_LENGTH), length);
  }

  #summary(): TrialSummary {
    const i32 = this.#i32;
    const diverged = REAL.load(i32, this.#layout.strategyBase + DIVERGED_SLOT);
    const summary: TrialSummary = {
      steps: REAL.load(i32, H_STEP),
      preemptions: REAL.load(i32, H_PREEMPTIONS),
      hash: (REAL.load(i32, H_HASH) >>> 0).toString(16).padStart(8, '0'),
      executed: REAL.load(i32, H_EXECUTED),
      flag: REAL.load(i32, H_FLAG) as FlagValue,
    };
    if (diverged > 0) summary.diverged = diverged - 1;
    return summary;
  }

  /** By the last thread out, before it arrives at the next start gate: every other thread has left. */
  #reset(): void {
    const i32 = this.#i32;
    for (let w = 0; w < this.#layout.recordBase + 16 * this.#threads; w++) REAL.store(i32, w, 0);
    REAL.store(i32, H_TURN, -1);
    REAL.store(i32, H_FINDER, -1);
    this.#f64.fill(0);
  }

  /** The byte index of element `index`, relative to its buffer's base (buffer-ids.ts): the same in every run of the trial. */
  #byteOf(ta: IntegerArray, index: number, id: number | undefined): number {
    return ta.byteOffset + Number(index) * ta.BYTES_PER_ELEMENT - (id === undefined ? 0 : this.#ids.baseOf(id));
  }

  #rec(w: number, t = this.#me): number {
    return this.#layout.record(t, w);
  }

  #store(index: number, value: number): void {
    REAL.store(this.#i32, index, value);
  }
}

import { BrokenBarrierError, ShakedownError } from './errors.js';
import { ATTACH, type AttachOption, type HandleBase, checkHandle } from './handle.js';
import { identityFor } from './identity.js';
import { CACHE_LINE, type Placement } from './memory.js';
import { checkInt, checkTimeout, deadlineOf, remainingUntil } from './validate.js';
import { type Blocking, runAsync, runSync } from './wait.js';
import { yieldPoint } from './yield-point.js';

/**
 * The barrier's state in ONE word, so that arriving, releasing a generation,
 * breaking and resetting are each a single compare-and-swap and exclude each
 * other: an abort or a timed-out waiter cannot break a generation that has
 * just been released, the last arrival cannot release a generation broken
 * while it ran the action, and a waiter learns from one load whether its
 * generation was released or reset.
 *   bits 0-14   arrivals in the current generation (hence at most MAX_PARTIES)
 *   bit  15     broken (aborted, a wait timed out, or the action threw), until reset()
 *   bits 16-19  reset epoch, bumped (mod 16) by reset()
 *   bits 20-31  generation tag, bumped (mod 4096) by each release and each reset;
 *               a waiter is done when the tag moves on from the one it arrived in:
 *               released if the epoch is still its own, broken by a reset if not
 */
const B_STATE = 0;
/** Waiters sleep on this word; every release, break and reset bumps it, so one wait covers all three. */
const B_WAKE = 1;
const B_PARTIES = 2;
/** Generations completed so far (the state word's tag wraps; this does not). */
const B_GENERATIONS = 3;
/** 1 once any thread gave an action: every thread that waits must then have one (checked at arrival). */
const B_HAS_ACTION = 4;
const WORDS = 5;

const COUNT_MASK = 0x7fff;
const BROKEN = 0x8000;
const EPOCH_SHIFT = 16;
const EPOCH_MASK = 0xf;
const TAG_SHIFT = 20;
const TAG_MASK = 0xfff;
/** Arrivals are counted in 15 bits. */
export const MAX_PARTIES = COUNT_MASK;

const tagOf = (state: number): number => (state >>> TAG_SHIFT) & TAG_MASK;
const epochOf = (state: number): number => (state >>> EPOCH_SHIFT) & EPOCH_MASK;
/** A fresh generation: no arrivals, not broken, the next tag, and the given epoch. */
const nextGeneration = (state: number, epoch: number): number =>
  ((((tagOf(state) + 1) & TAG_MASK) << TAG_SHIFT) | ((epoch & EPOCH_MASK) << EPOCH_SHIFT)) | 0;

export interface BarrierOptions {
  name?: string;
  at?: Placement;
  /**
   * Run by exactly one thread per generation (the last to arrive) before the
   * others are released. Functions cannot cross threads: once any thread has
   * given an action (here or in `Barrier.from(handle, { action })`), every
   * thread that waits must have one too; a wait without one breaks the barrier
   * with ERR_BARRIER_ACTION_MISSING, so no generation silently skips it.
   */
  action?: () => void;
}

export interface BarrierHandle extends HandleBase<'barrier'> {
  readonly parties: number;
}

/**
 * A reusable barrier for `parties` threads (1 to 32767). wait() returns the
 * arrival index (0 = first to arrive, parties - 1 = last, which ran the
 * action). A timeout, abort() or a throwing action breaks it: every waiter,
 * present and future, gets a BrokenBarrierError until reset().
 */
export class Barrier implements BarrierHandle {
  static readonly byteLength = CACHE_LINE;
  readonly kind = 'barrier' as const;
  readonly name: string;
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly parties: number;
  readonly #i32: Int32Array;
  readonly #action: (() => void) | undefined;

  constructor(parties: number, options: BarrierOptions & AttachOption = {}) {
    const attached = options[ATTACH];
    if (options.action !== undefined && typeof options.action !== 'function') {
      throw new ShakedownError('ERR_INVALID_ARG', `action must be a function, got ${typeof options.action}`);
    }
    this.#action = options.action;
    if (attached === undefined) checkInt(parties, 'parties', 1, MAX_PARTIES);
    ({ name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset } = identityFor(options, 'Barrier', Barrier.byteLength));
    this.#i32 = new Int32Array(this.buffer, this.byteOffset, WORDS);
    if (attached !== undefined) {
      this.parties = this.#i32[B_PARTIES]!;
    } else {
      this.parties = parties;
      this.#i32[B_PARTIES] = parties;
    }
    if (this.#action !== undefined) Atomics.store(this.#i32, B_HAS_ACTION, 1);
  }

  static from(handle: unknown, options: { action?: () => void } = {}): Barrier {
    return new Barrier(0, { ...options, [ATTACH]: checkHandle(handle, 'barrier') });
  }

  handle(): BarrierHandle {
    return { kind: this.kind, name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset, parties: this.parties };
  }

  get broken(): boolean {
    return (Atomics.load(this.#i32, B_STATE) & BROKEN) !== 0;
  }

  /** Threads waiting in the current generation. */
  get waiting(): number {
    return Atomics.load(this.#i32, B_STATE) & COUNT_MASK;
  }

  /** Generations completed so far. */
  get generation(): number {
    return Atomics.load(this.#i32, B_GENERATIONS);
  }

  wait(timeoutMs?: number): number {
    const timeout = checkTimeout(timeoutMs);
    return runSync(this.#wait(timeout));
  }

  waitAsync(timeoutMs?: number): Promise<number> {
    const timeout = checkTimeout(timeoutMs);
    return runAsync(this.#wait(timeout));
  }

  *#wait(timeoutMs: number): Blocking<number> {
    yieldPoint('barrier.arrive', this.name);
    const i32 = this.#i32;
    // Snapshot the wake word before arriving: a release, break or reset after this is not slept through.
    const wake = Atomics.load(i32, B_WAKE);
    if (this.#action === undefined && Atomics.load(i32, B_HAS_ACTION) === 1) {
      // Were this thread the last to arrive, the generation would skip the action.
      this.#breakGeneration(tagOf(Atomics.load(i32, B_STATE)));
      throw new ShakedownError(
        'ERR_BARRIER_ACTION_MISSING',
        `${this.name} has an action given in another thread, but this thread attached without one: pass it here too (Barrier.from(handle, { action })); the barrier is now broken`,
      );
    }
    const { index, tag, epoch } = this.#arrive();
    if (index === this.parties - 1) {
      this.#runAction(tag);
      this.#release(tag);
      yieldPoint('barrier.pass', this.name);
      return index;
    }
    const deadline = deadlineOf(timeoutMs);
    let seen = wake;
    while (true) {
      const state = Atomics.load(i32, B_STATE);
      if (tagOf(state) !== tag) {
        // The tag moves on a release or a reset; only a reset moves the epoch.
        if (epochOf(state) !== epoch) throw new BrokenBarrierError(`${this.name} was reset while waiting`);
        break;
      }
      if ((state & BROKEN) !== 0) throw new BrokenBarrierError(`${this.name} was broken while waiting`);
      const remaining = remainingUntil(deadline);
      if (remaining === 0) {
        // Break only this generation: if it was released (or broken) meanwhile, look again instead.
        if (Atomics.compareExchange(i32, B_STATE, state, state | BROKEN) !== state) continue;
        this.#wakeAll();
        throw new BrokenBarrierError(`${this.name}: timed out after ${timeoutMs} ms with ${state & COUNT_MASK} of ${this.parties} arrived`);
      }
      // Sleeps until a release, break or reset bumps the wake word (or the deadline).
      yield { i32, index: B_WAKE, value: seen, timeoutMs: remaining, waitsFor: { id: this.id, name: `${this.name} (barrier: all ${this.parties} parties)` } };
      seen = Atomics.load(i32, B_WAKE);
    }
    yieldPoint('barrier.pass', this.name);
    return index;
  }

  /** Counts this thread in with one compare-and-swap; throws if the barrier is broken or over-full. */
  #arrive(): { index: number; tag: number; epoch: number } {
    const i32 = this.#i32;
    while (true) {
      const state = Atomics.load(i32, B_STATE);
      if ((state & BROKEN) !== 0) throw new BrokenBarrierError(`${this.name} is broken`);
      const index = state & COUNT_MASK;
      if (index >= this.parties) {
        // Only while the last arrival runs the action: one thread too many in a generation.
        this.#breakGeneration(tagOf(state));
        throw new BrokenBarrierError(`${this.name}: more than ${this.parties} threads arrived in one generation`);
      }
      if (Atomics.compareExchange(i32, B_STATE, state, state + 1) === state) return { index, tag: tagOf(state), epoch: epochOf(state) };
    }
  }

  #runAction(tag: number): void {
    if (this.#action === undefined) return;
    try {
      this.#action();
    } catch (err) {
      this.#breakGeneration(tag);
      throw err;
    }
  }

  /** The last arrival releases its generation: count to 0 and the tag moved on, unless it was broken meanwhile. */
  #release(tag: number): void {
    const i32 = this.#i32;
    // Counted before the release, so a waiter that returns sees `generation` include its own.
    Atomics.add(i32, B_GENERATIONS, 1);
    while (true) {
      const state = Atomics.load(i32, B_STATE);
      if (tagOf(state) !== tag || (state & BROKEN) !== 0) {
        Atomics.sub(i32, B_GENERATIONS, 1);
        throw new BrokenBarrierError(`${this.name} was broken while the last arrival ran the action`);
      }
      if (Atomics.compareExchange(i32, B_STATE, state, nextGeneration(state, epochOf(state))) === state) break;
    }
    this.#wakeAll();
  }

  /** Breaks the barrier: every current and future waiter gets BrokenBarrierError until reset(). */
  abort(): void {
    yieldPoint('barrier.abort', this.name);
    Atomics.or(this.#i32, B_STATE, BROKEN);
    this.#wakeAll();
  }

  /**
   * Back to the initial state (not broken, nobody arrived). Threads waiting in
   * the current generation get BrokenBarrierError. A generation that nobody
   * has arrived in and that is not broken has nothing to reset, so reset() then
   * changes nothing, and threads of the generation just released pass even if
   * they have not woken yet (reset() right after a wait() returns is the usual
   * way to reuse a barrier). If others have already arrived in the next
   * generation, such a late waiter cannot tell its release from the reset and
   * gets BrokenBarrierError (failing is the safe side). A waiter asleep through
   * 16 resets could miss them (the epoch has 4 bits).
   */
  reset(): void {
    yieldPoint('barrier.reset', this.name);
    const i32 = this.#i32;
    while (true) {
      const state = Atomics.load(i32, B_STATE);
      // Fresh already: moving the epoch would only make the last generation's late waiters think they were reset.
      if ((state & (COUNT_MASK | BROKEN)) === 0) return;
      if (Atomics.compareExchange(i32, B_STATE, state, nextGeneration(state, epochOf(state) + 1)) === state) break;
    }
    this.#wakeAll();
  }

  /** Breaks generation `tag` only: if a reset() (or a release) has moved on, the new generation stays whole. */
  #breakGeneration(tag: number): void {
    const i32 = this.#i32;
    while (true) {
      const state = Atomics.load(i32, B_STATE);
      if (tagOf(state) !== tag || (state & BROKEN) !== 0) return;
      if (Atomics.compareExchange(i32, B_STATE, state, state | BROKEN) === state) break;
    }
    this.#wakeAll();
  }

  #wakeAll(): void {
    Atomics.add(this.#i32, B_WAKE, 1);
    Atomics.notify(this.#i32, B_WAKE);
  }
}

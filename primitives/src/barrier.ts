import { BrokenBarrierError, ShakedownError } from './errors.js';
import { ATTACH, type AttachOption, type HandleBase, checkHandle } from './handle.js';
import { identityFor } from './identity.js';
import { CACHE_LINE, type Placement } from './memory.js';
import { checkInt, checkTimeout, deadlineOf, remainingUntil } from './validate.js';
import { type Blocking, runAsync, runSync } from './wait.js';
import { yieldPoint } from './yield-point.js';

/** Arrivals in the current generation. */
const B_COUNT = 0;
/** Generation number; the last arrival bumps it, which is what releases the others. */
const B_GENERATION = 1;
/** 1 once aborted (or a wait timed out, or the action threw), until reset(). */
const B_BROKEN = 2;
/** Waiters sleep on this word; both a release and an abort bump it, so one wait covers both. */
const B_WAKE = 3;
const B_PARTIES = 4;
/** Bumped by reset(), so a waiter that sleeps through a break-then-reset still learns it was broken. */
const B_EPOCH = 5;
const WORDS = 6;

export interface BarrierOptions {
  name?: string;
  at?: Placement;
  /**
   * Run by exactly one thread per generation (the last to arrive) before the
   * others are released. Functions cannot cross threads: pass the action again
   * when attaching with `Barrier.from(handle, { action })` in each thread that
   * might arrive last.
   */
  action?: () => void;
}

export interface BarrierHandle extends HandleBase<'barrier'> {
  readonly parties: number;
}

/**
 * A reusable barrier for `parties` threads. wait() returns the arrival index
 * (0 = first to arrive, parties - 1 = last, which ran the action). A timeout,
 * abort() or a throwing action breaks it: every waiter, present and future,
 * gets a BrokenBarrierError until reset().
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
    if (attached === undefined) checkInt(parties, 'parties', 1);
    ({ name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset } = identityFor(options, 'Barrier', Barrier.byteLength));
    this.#i32 = new Int32Array(this.buffer, this.byteOffset, WORDS);
    if (attached !== undefined) {
      this.parties = this.#i32[B_PARTIES]!;
      return;
    }
    this.parties = parties;
    this.#i32[B_PARTIES] = parties;
  }

  static from(handle: unknown, options: { action?: () => void } = {}): Barrier {
    return new Barrier(0, { ...options, [ATTACH]: checkHandle(handle, 'barrier') });
  }

  handle(): BarrierHandle {
    return { kind: this.kind, name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset, parties: this.parties };
  }

  get broken(): boolean {
    return Atomics.load(this.#i32, B_BROKEN) === 1;
  }

  /** Threads waiting in the current generation. */
  get waiting(): number {
    return Atomics.load(this.#i32, B_COUNT);
  }

  /** Generations completed so far. */
  get generation(): number {
    return Atomics.load(this.#i32, B_GENERATION);
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
    // Snapshot the wake word before anything that could be missed.
    const wake = Atomics.load(i32, B_WAKE);
    const generation = Atomics.load(i32, B_GENERATION);
    const epoch = Atomics.load(i32, B_EPOCH);
    if (this.broken) throw new BrokenBarrierError(`${this.name} is broken`);
    const index = Atomics.add(i32, B_COUNT, 1);
    if (index >= this.parties) {
      this.#break();
      throw new BrokenBarrierError(`${this.name}: more than ${this.parties} threads arrived in one generation`);
    }
    if (index === this.parties - 1) {
      if (this.#action !== undefined) {
        try {
          this.#action();
        } catch (err) {
          this.#break();
          throw err;
        }
      }
      // Reset the count before bumping the generation: nobody of the next
      // generation can arrive before the bump releases this one.
      Atomics.store(i32, B_COUNT, 0);
      Atomics.add(i32, B_GENERATION, 1);
      Atomics.add(i32, B_WAKE, 1);
      Atomics.notify(i32, B_WAKE);
      yieldPoint('barrier.pass', this.name);
      return index;
    }
    const deadline = deadlineOf(timeoutMs);
    let seen = wake;
    while (true) {
      // Released if the generation moved, even if an abort followed right after.
      if (Atomics.load(i32, B_GENERATION) !== generation) break;
      if (this.broken || Atomics.load(i32, B_EPOCH) !== epoch) {
        throw new BrokenBarrierError(`${this.name} was broken while waiting`);
      }
      const remaining = remainingUntil(deadline);
      if (remaining === 0) {
        this.#break();
        throw new BrokenBarrierError(`${this.name}: timed out after ${timeoutMs} ms with ${this.waiting} of ${this.parties} arrived`);
      }
      yield { i32, index: B_WAKE, value: seen, timeoutMs: remaining };
      seen = Atomics.load(i32, B_WAKE);
    }
    yieldPoint('barrier.pass', this.name);
    return index;
  }

  /** Breaks the barrier: every current and future waiter gets BrokenBarrierError until reset(). */
  abort(): void {
    this.#break();
  }

  /** Back to the initial state; threads still waiting get BrokenBarrierError. */
  reset(): void {
    Atomics.add(this.#i32, B_EPOCH, 1);
    this.#break();
    Atomics.store(this.#i32, B_COUNT, 0);
    Atomics.store(this.#i32, B_BROKEN, 0);
  }

  #break(): void {
    Atomics.store(this.#i32, B_BROKEN, 1);
    Atomics.add(this.#i32, B_WAKE, 1);
    Atomics.notify(this.#i32, B_WAKE);
  }
}

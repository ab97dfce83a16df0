import { ShakedownError } from './errors.js';
import { ATTACH, type AttachOption, type HandleBase, checkHandle } from './handle.js';
import { CONDITION_LOCK, type ConditionLockOps } from './internal.js';
import { Lock, type LockHandle } from './lock.js';
import { CACHE_LINE, type Placement, place } from './memory.js';
import { nextPrimitiveId, ownerToken, threadNameOf } from './registry.js';
import { RLock, type RLockHandle } from './rlock.js';
import { checkInt, checkName, checkTimeout, deadlineOf, remainingUntil } from './validate.js';
import { type Blocking, runAsync, runSync } from './wait.js';
import { yieldPoint } from './yield-point.js';

/*
 * Each wait() takes a ticket and sleeps on its own slot word, so notify(n)
 * wakes exactly the n longest-waiting threads (FIFO), never more, and a thread
 * that starts waiting after a notify cannot steal that notify. All ticket and
 * slot bookkeeping happens under the condition's lock, except the woken
 * waiter's own "I saw it, slot is free again" store.
 */
/** Next ticket to hand out. */
const C_NEXT_TICKET = 0;
/** Tickets below this have been decided (woken, or cancelled and skipped). */
const C_WAKE_UPTO = 1;
const C_CAPACITY = 2;
const HEADER_WORDS = CACHE_LINE / 4;

const FREE = 0;
const WAITING = 1;
const WOKEN = 2;
const CANCELLED = 3;

export interface ConditionOptions {
  name?: string;
  at?: Placement;
  /** Most threads that may wait at once; default 256. */
  maxWaiters?: number;
}

export interface ConditionHandle extends HandleBase<'condition'> {
  readonly maxWaiters: number;
  readonly lock: LockHandle | RLockHandle;
}

export type ConditionLock = Lock | RLock;

/** A condition variable over a Lock or RLock: wait, waitFor(predicate), notify(n), notifyAll. */
export class Condition implements ConditionHandle {
  static byteLengthFor(maxWaiters = 256): number {
    return CACHE_LINE + maxWaiters * 4;
  }
  readonly kind = 'condition' as const;
  readonly name: string;
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly maxWaiters: number;
  readonly lock: ConditionLock;
  readonly #i32: Int32Array;
  readonly #ops: ConditionLockOps;

  constructor(lock?: ConditionLock, options: ConditionOptions & AttachOption = {}) {
    const attached = options[ATTACH];
    if (attached !== undefined) {
      const h = attached as unknown as ConditionHandle;
      this.name = h.name;
      this.id = h.id;
      this.buffer = h.buffer;
      this.byteOffset = h.byteOffset;
      this.maxWaiters = h.maxWaiters;
      this.lock = h.lock.kind === 'rlock' ? RLock.from(h.lock) : Lock.from(h.lock);
    } else {
      if (lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) {
        throw new ShakedownError('ERR_INVALID_ARG', 'lock must be a Lock or an RLock (or omitted for a new Lock)');
      }
      this.maxWaiters = checkInt(options.maxWaiters ?? 256, 'maxWaiters', 1, 1 << 20);
      this.id = nextPrimitiveId();
      this.name = checkName(options.name, `Condition#${this.id}`);
      this.lock = lock ?? new Lock({ name: `${this.name}.lock` });
      const at = place(options.at, Condition.byteLengthFor(this.maxWaiters));
      this.buffer = at.buffer;
      this.byteOffset = at.byteOffset;
    }
    this.#i32 = new Int32Array(this.buffer, this.byteOffset, HEADER_WORDS + this.maxWaiters);
    this.#i32[C_CAPACITY] = this.maxWaiters;
    this.#ops = this.lock[CONDITION_LOCK]();
  }

  static from(handle: unknown): Condition {
    return new Condition(undefined, { [ATTACH]: checkHandle(handle, 'condition') });
  }

  handle(): ConditionHandle {
    return {
      kind: this.kind,
      name: this.name,
      id: this.id,
      buffer: this.buffer,
      byteOffset: this.byteOffset,
      maxWaiters: this.maxWaiters,
      lock: this.lock.handle(),
    };
  }

  acquire(timeoutMs?: number): boolean {
    return this.lock.acquire(timeoutMs);
  }

  release(): void {
    this.lock.release();
  }

  /**
   * Releases the lock, sleeps until notified or `timeoutMs` passes, then takes
   * the lock back (at the same depth for an RLock). True if notified.
   */
  wait(timeoutMs?: number): boolean {
    const timeout = checkTimeout(timeoutMs);
    return runSync(this.#wait(timeout));
  }

  waitAsync(timeoutMs?: number): Promise<boolean> {
    const timeout = checkTimeout(timeoutMs);
    return runAsync(this.#wait(timeout));
  }

  /** Waits until `predicate()` is true (re-checked under the lock after each wake-up) or time runs out; returns its last value. */
  waitFor<T>(predicate: () => T, timeoutMs?: number): T {
    const deadline = deadlineOf(checkTimeout(timeoutMs));
    let result = predicate();
    while (!result) {
      const remaining = remainingUntil(deadline);
      if (remaining === 0) break;
      this.wait(remaining);
      result = predicate();
    }
    return result;
  }

  async waitForAsync<T>(predicate: () => T, timeoutMs?: number): Promise<T> {
    const deadline = deadlineOf(checkTimeout(timeoutMs));
    let result = predicate();
    while (!result) {
      const remaining = remainingUntil(deadline);
      if (remaining === 0) break;
      await this.waitAsync(remaining);
      result = predicate();
    }
    return result;
  }

  #slotIndex(ticket: number): number {
    // Tickets are int32 and wrap after 2^31 waits; keep the ring index non-negative across the wrap.
    return HEADER_WORDS + (((ticket % this.maxWaiters) + this.maxWaiters) % this.maxWaiters);
  }

  *#wait(timeoutMs: number): Blocking<boolean> {
    yieldPoint('condition.wait', this.name);
    this.#checkOwner('wait on');
    const i32 = this.#i32;
    const ticket = i32[C_NEXT_TICKET]!;
    const slot = this.#slotIndex(ticket);
    // A woken waiter frees its slot without the lock; wait for it briefly if the ring wrapped onto it.
    while (Atomics.load(i32, slot) === WOKEN) yield { i32, index: slot, value: WOKEN, timeoutMs: 1 };
    if (Atomics.load(i32, slot) !== FREE) {
      throw new ShakedownError('ERR_CONDITION_TOO_MANY_WAITERS', `${this.name}: more than ${this.maxWaiters} threads waiting (raise maxWaiters)`);
    }
    Atomics.store(i32, slot, WAITING);
    i32[C_NEXT_TICKET] = (ticket + 1) | 0;
    const depth = this.#ops.releaseAll();
    const deadline = deadlineOf(timeoutMs);
    let notified = false;
    while (true) {
      if (Atomics.load(i32, slot) === WOKEN) {
        notified = true;
        break;
      }
      const remaining = remainingUntil(deadline);
      if (remaining === 0) break;
      // Sleep while our slot still says WAITING; notify flips it to WOKEN and wakes this word.
      yield { i32, index: slot, value: WAITING, timeoutMs: remaining };
    }
    if (notified) {
      Atomics.store(i32, slot, FREE);
      Atomics.notify(i32, slot);
      yield* this.#ops.reacquire(depth);
    } else {
      // Timed out: settle our ticket under the lock, where notify decides.
      yield* this.#ops.reacquire(depth);
      if (Atomics.compareExchange(i32, slot, WAITING, CANCELLED) === WOKEN) {
        notified = true; // a notify chose us after all; count it
        Atomics.store(i32, slot, FREE);
      } else {
        this.#skipCancelled();
      }
    }
    yieldPoint('condition.woken', this.name);
    return notified;
  }

  /** Moves the wake cursor past cancelled tickets at its head, freeing their slots. */
  #skipCancelled(): void {
    const i32 = this.#i32;
    let upto = i32[C_WAKE_UPTO]!;
    const next = i32[C_NEXT_TICKET]!;
    while (upto !== next) {
      const slot = this.#slotIndex(upto);
      if (Atomics.load(i32, slot) !== CANCELLED) break;
      Atomics.store(i32, slot, FREE);
      upto = (upto + 1) | 0;
    }
    i32[C_WAKE_UPTO] = upto;
  }

  /** Wakes up to `n` of the longest-waiting threads. The caller must hold the lock. Returns how many were woken. */
  notify(n = 1): number {
    if (n !== Infinity) checkInt(n, 'n', 0);
    yieldPoint('condition.notify', this.name);
    this.#checkOwner('notify');
    const i32 = this.#i32;
    let upto = i32[C_WAKE_UPTO]!;
    const next = i32[C_NEXT_TICKET]!;
    let woken = 0;
    while (woken < n && upto !== next) {
      const slot = this.#slotIndex(upto);
      if (Atomics.compareExchange(i32, slot, WAITING, WOKEN) === WAITING) {
        Atomics.notify(i32, slot, 1);
        woken++;
      } else {
        Atomics.store(i32, slot, FREE); // a cancelled (timed-out) waiter's ticket
      }
      upto = (upto + 1) | 0;
    }
    i32[C_WAKE_UPTO] = upto;
    return woken;
  }

  notifyAll(): number {
    return this.notify(Infinity);
  }

  #checkOwner(what: string): void {
    if (!this.#ops.heldByMe()) {
      const me = ownerToken();
      throw new ShakedownError('ERR_LOCK_NOT_OWNER', `${threadNameOf(me - 1)} tried to ${what} ${this.name} without holding ${this.lock.name}`);
    }
  }
}

import { guardOf, guardOfAsync, withAcquired, withAcquiredAsync } from './acquirable.js';
import type { Guard } from './guard.js';
import { ShakedownError } from './errors.js';
import { ATTACH, type AttachOption, type HandleBase, checkHandle } from './handle.js';
import { CONDITION_LOCK, type ConditionLockOps } from './internal.js';
import { Lock, type LockHandle } from './lock.js';
import { identityFor } from './identity.js';
import { CACHE_LINE, type Placement } from './memory.js';
import { ownerToken, threadNameOf } from './registry.js';
import { RLock, type RLockHandle } from './rlock.js';
import { checkInt, checkTimeout, deadlineOf, remainingUntil } from './validate.js';
import { type Blocking, runAsync, runSync } from './wait.js';
import { yieldPoint } from './yield-point.js';

/*
 * Each wait() takes a ticket and a free slot, and sleeps on its slot's state
 * word, so notify(n) wakes exactly the n longest-waiting threads (lowest
 * tickets), never more, and a thread that starts waiting after a notify
 * cannot steal it. Slot bookkeeping happens under the condition's lock,
 * except the woken waiter's own "seen, slot free again" store. A waiter that
 * times out frees its slot itself, so maxWaiters bounds the threads waiting
 * at once, not the number of waits.
 */
/** Next ticket to hand out (int32, wraps; compared by difference). */
const C_NEXT_TICKET = 0;
const HEADER_WORDS = CACHE_LINE / 4;
/** Per slot: [state, ticket]. */
const SLOT_WORDS = 2;

const FREE = 0;
const WAITING = 1;
const WOKEN = 2;

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
    return CACHE_LINE + maxWaiters * SLOT_WORDS * 4;
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
    const attached = options[ATTACH] as unknown as ConditionHandle | undefined;
    if (attached === undefined && lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) {
      throw new ShakedownError('ERR_INVALID_ARG', 'lock must be a Lock or an RLock (or omitted for a new Lock)');
    }
    this.maxWaiters = attached?.maxWaiters ?? checkInt(options.maxWaiters ?? 256, 'maxWaiters', 1, 1 << 20);
    ({ name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset } = identityFor(
      options,
      'Condition',
      Condition.byteLengthFor(this.maxWaiters),
    ));
    if (attached !== undefined) this.lock = attached.lock.kind === 'rlock' ? RLock.from(attached.lock) : Lock.from(attached.lock);
    else this.lock = lock ?? new Lock({ name: `${this.name}.lock` });
    this.#i32 = new Int32Array(this.buffer, this.byteOffset, HEADER_WORDS + this.maxWaiters * SLOT_WORDS);
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

  /** The underlying lock's acquire, and the scoped forms below: the same as on `this.lock`, here for convenience. */
  acquire(timeoutMs?: number): boolean {
    return this.lock.acquire(timeoutMs);
  }

  acquireAsync(timeoutMs?: number): Promise<boolean> {
    return this.lock.acquireAsync(timeoutMs);
  }

  release(): void {
    this.lock.release();
  }

  /** Runs `fn` holding the lock (wait/notify inside it), releasing it however `fn` ends. */
  withLock<T>(fn: () => T, timeoutMs?: number): T {
    return withAcquired(this.lock, fn, timeoutMs);
  }

  withLockAsync<T>(fn: () => T | Promise<T>, timeoutMs?: number): Promise<T> {
    return withAcquiredAsync(this.lock, fn, timeoutMs);
  }

  /** `using g = cond.guard();` holds the lock until the end of the block. */
  guard(timeoutMs?: number): Guard {
    return guardOf(this.lock, timeoutMs);
  }

  guardAsync(timeoutMs?: number): Promise<Guard> {
    return guardOfAsync(this.lock, timeoutMs);
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

  *#wait(timeoutMs: number): Blocking<boolean> {
    yieldPoint('condition.wait', this.name);
    this.#checkOwner('wait on');
    const i32 = this.#i32;
    const slot = this.#freeSlot();
    if (slot < 0) {
      throw new ShakedownError('ERR_CONDITION_TOO_MANY_WAITERS', `${this.name}: more than ${this.maxWaiters} threads waiting at once (raise maxWaiters)`);
    }
    const ticket = i32[C_NEXT_TICKET]!;
    i32[C_NEXT_TICKET] = (ticket + 1) | 0;
    Atomics.store(i32, slot + 1, ticket);
    Atomics.store(i32, slot, WAITING);
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
      yield { i32, index: slot, value: WAITING, timeoutMs: remaining, waitsFor: { id: this.id, name: `${this.name} (condition: a notify)` } };
    }
    if (notified) {
      Atomics.store(i32, slot, FREE);
      yield* this.#ops.reacquire(depth);
    } else {
      // Timed out: settle under the lock, where notify decides. A notify may have chosen us meanwhile.
      yield* this.#ops.reacquire(depth);
      notified = Atomics.compareExchange(i32, slot, WAITING, FREE) === WOKEN;
      if (notified) Atomics.store(i32, slot, FREE);
    }
    yieldPoint('condition.woken', this.name);
    return notified;
  }

  /** Index of a FREE slot's state word, or -1. Called under the lock. */
  #freeSlot(): number {
    for (let s = 0; s < this.maxWaiters; s++) {
      const at = HEADER_WORDS + s * SLOT_WORDS;
      if (Atomics.load(this.#i32, at) === FREE) return at;
    }
    return -1;
  }

  /** Wakes up to `n` of the longest-waiting threads. The caller must hold the lock. Returns how many were woken. */
  notify(n = 1): number {
    if (n !== Infinity) checkInt(n, 'n', 0);
    yieldPoint('condition.notify', this.name);
    this.#checkOwner('notify');
    const i32 = this.#i32;
    const next = i32[C_NEXT_TICKET]!;
    let woken = 0;
    if (n === Infinity) {
      // Everyone: order does not matter, one pass.
      for (let s = 0; s < this.maxWaiters; s++) {
        const at = HEADER_WORDS + s * SLOT_WORDS;
        if (Atomics.load(i32, at) !== WAITING) continue;
        Atomics.store(i32, at, WOKEN);
        Atomics.notify(i32, at, 1);
        woken++;
      }
      return woken;
    }
    while (woken < n) {
      // The waiting slot with the oldest ticket (largest distance behind the next ticket; wrap-safe).
      let oldest = -1;
      let oldestAge = -1;
      for (let s = 0; s < this.maxWaiters; s++) {
        const at = HEADER_WORDS + s * SLOT_WORDS;
        if (Atomics.load(i32, at) !== WAITING) continue;
        const age = (next - Atomics.load(i32, at + 1)) | 0;
        if (age > oldestAge) {
          oldestAge = age;
          oldest = at;
        }
      }
      if (oldest < 0) break;
      Atomics.store(i32, oldest, WOKEN);
      Atomics.notify(i32, oldest, 1);
      woken++;
    }
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

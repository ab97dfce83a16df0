import { guardOf, guardOfAsync, withAcquired, withAcquiredAsync } from './acquirable.js';
import { type Guard } from './guard.js';
import { ATTACH, type AttachOption, type HandleBase, checkHandle } from './handle.js';
import { identityFor } from './identity.js';
import { CACHE_LINE, type Placement } from './memory.js';
import { MUTEX_WORDS, M_STATE, type MutexRef, heldByToken, lockSleep, lockSlow, lockSpin, notOwner, ownerForSelfCheck, ownerOf, releaseWord, TAKEN, selfDeadlock, tryLockWord } from './mutex-core.js';
import { ownerToken } from './registry.js';
import { checkTimeout } from './validate.js';
import { runAsync, runSync } from './wait.js';
import { yieldPoint } from './yield-point.js';
import { CONDITION_LOCK, type ConditionLockOps, type ConditionLockable } from './internal.js';
import type { Blocking } from './wait.js';

export interface LockOptions {
  /** Shown in traces and deadlock reports; default `Lock#<id>`. */
  name?: string;
  /** Lay the lock out inside an existing buffer instead of allocating one. */
  at?: Placement;
}

export type LockHandle = HandleBase<'lock'>;

/**
 * A non-reentrant mutual-exclusion lock over shared memory. It tracks its
 * owner: release by another thread throws ERR_LOCK_NOT_OWNER, and the owner
 * acquiring it again throws a DeadlockError instead of hanging forever.
 */
export class Lock implements LockHandle, ConditionLockable {
  static readonly byteLength = CACHE_LINE;
  readonly kind = 'lock' as const;
  readonly name: string;
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly #m: MutexRef;

  constructor(options: LockOptions & AttachOption = {}) {
    ({ name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset } = identityFor(options, 'Lock', Lock.byteLength));
    this.#m = { i32: new Int32Array(this.buffer, this.byteOffset, MUTEX_WORDS), id: this.id, name: this.name };
  }

  /** Attaches to a lock made in another thread: pass its handle, or the Lock itself as it arrived by postMessage. */
  static from(handle: unknown): Lock {
    return new Lock({ [ATTACH]: checkHandle(handle, 'lock') });
  }

  handle(): LockHandle {
    return { kind: this.kind, name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset };
  }

  /** Takes the lock without waiting; false if anyone (including this thread) holds it. */
  tryAcquire(): boolean {
    yieldPoint('lock.acquire', this.name);
    const ok = tryLockWord(this.#m, ownerToken()) === TAKEN;
    if (ok) yieldPoint('lock.acquired', this.name);
    return ok;
  }

  /**
   * Blocks until the lock is taken (true) or `timeoutMs` passes (false).
   * Throws DeadlockError if this thread already holds it, or if waiting would
   * close a cycle of threads each waiting for a lock the next one holds.
   */
  acquire(timeoutMs?: number): boolean {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('lock.acquire', this.name);
    const me = ownerToken();
    // The CAS first; "do I hold it?" is answered from the word the failed CAS returned (a holder's
    // CAS always fails). Reading the word before the CAS would fetch the lock's cache line shared
    // and then again to write it, a second transfer per contended acquire (measured).
    const seen = tryLockWord(this.#m, me);
    if (seen !== TAKEN) {
      if (heldByToken(seen, me)) throw selfDeadlock(this.#m, me);
      // Spinning first, outside the generator: most contended acquires end there (lockSpin).
      if (timeout === 0 || !(lockSpin(this.#m, me) || runSync(lockSleep(this.#m, me, timeout)))) return false;
    }
    yieldPoint('lock.acquired', this.name);
    return true;
  }

  /**
   * As acquire, without blocking the event loop (Atomics.waitAsync): usable on
   * the main thread. Ownership is per thread, so when this thread already
   * holds the lock it waits (another async task of this thread may hold it and
   * release it later) instead of throwing DeadlockError as acquire does; one
   * task re-acquiring a lock it holds then waits until its timeout.
   */
  async acquireAsync(timeoutMs?: number): Promise<boolean> {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('lock.acquire', this.name);
    const me = ownerToken();
    const ok = tryLockWord(this.#m, me) === TAKEN || (timeout > 0 && (await runAsync(lockSlow(this.#m, me, timeout))));
    if (ok) yieldPoint('lock.acquired', this.name);
    return ok;
  }

  /** Releases the lock; only the thread that holds it may. */
  release(): void {
    yieldPoint('lock.release', this.name);
    const me = ownerToken();
    if (!releaseWord(this.#m, me)) throw notOwner(this.name, me, ownerOf(this.#m));
  }

  /** Whether anyone holds the lock at this instant. */
  locked(): boolean {
    return Atomics.load(this.#m.i32, M_STATE) !== 0;
  }

  /** Whether the calling thread holds the lock. */
  heldByMe(): boolean {
    return ownerForSelfCheck(this.#m) === ownerToken();
  }

  /** threadId of the holder, or -1 when free. */
  ownerThreadId(): number {
    return ownerOf(this.#m) - 1;
  }

  /** Runs `fn` holding the lock, releasing it however `fn` ends. */
  withLock<T>(fn: () => T, timeoutMs?: number): T {
    return withAcquired(this, fn, timeoutMs);
  }

  withLockAsync<T>(fn: () => T | Promise<T>, timeoutMs?: number): Promise<T> {
    return withAcquiredAsync(this, fn, timeoutMs);
  }

  /** `using g = lock.guard();` holds the lock until the end of the enclosing block. */
  guard(timeoutMs?: number): Guard {
    return guardOf(this, timeoutMs);
  }

  guardAsync(timeoutMs?: number): Promise<Guard> {
    return guardOfAsync(this, timeoutMs);
  }

  [CONDITION_LOCK](): ConditionLockOps {
    const m = this.#m;
    return {
      heldByMe: () => this.heldByMe(),
      releaseAll: () => {
        this.release();
        return 1;
      },
      reacquire: function* (): Blocking<void> {
        const me = ownerToken();
        if (tryLockWord(m, me) !== TAKEN) yield* lockSlow(m, me, Infinity);
      },
    };
  }
}

import { guardOf, guardOfAsync, withAcquired, withAcquiredAsync } from './acquirable.js';
import { type Guard } from './guard.js';
import { ATTACH, type AttachOption, type HandleBase, checkHandle } from './handle.js';
import { identityFor } from './identity.js';
import { CONDITION_LOCK, type ConditionLockOps, type ConditionLockable } from './internal.js';
import { CACHE_LINE, type Placement } from './memory.js';
import { MUTEX_WORDS, type MutexRef, lockSleep, lockSlow, lockSpin, notOwner, ownerForSelfCheck, ownerOf, TAKEN, tryLockWord, unlockWord } from './mutex-core.js';
import { ownerToken } from './registry.js';
import { checkTimeout } from './validate.js';
import { type Blocking, runAsync, runSync } from './wait.js';
import { yieldPoint } from './yield-point.js';

/** Recursion depth of the holder. Only the holder reads or writes it, so plain accesses suffice. */
const R_DEPTH = MUTEX_WORDS;

export interface RLockOptions {
  name?: string;
  at?: Placement;
}

export type RLockHandle = HandleBase<'rlock'>;

/**
 * A reentrant lock: the holder may acquire it again, and must release it as
 * many times as it acquired it. Only the holder may release.
 */
export class RLock implements RLockHandle, ConditionLockable {
  static readonly byteLength = CACHE_LINE;
  readonly kind = 'rlock' as const;
  readonly name: string;
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly #m: MutexRef;

  constructor(options: RLockOptions & AttachOption = {}) {
    ({ name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset } = identityFor(options, 'RLock', RLock.byteLength));
    this.#m = { i32: new Int32Array(this.buffer, this.byteOffset, MUTEX_WORDS + 1), id: this.id, name: this.name };
  }

  static from(handle: unknown): RLock {
    return new RLock({ [ATTACH]: checkHandle(handle, 'rlock') });
  }

  handle(): RLockHandle {
    return { kind: this.kind, name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset };
  }

  tryAcquire(): boolean {
    yieldPoint('rlock.acquire', this.name);
    const me = ownerToken();
    if (this.#reenter(me)) return true;
    if (tryLockWord(this.#m, me) !== TAKEN) return false;
    this.#m.i32[R_DEPTH] = 1;
    yieldPoint('rlock.acquired', this.name);
    return true;
  }

  acquire(timeoutMs?: number): boolean {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('rlock.acquire', this.name);
    const me = ownerToken();
    if (this.#reenter(me)) return true;
    // Spinning first, outside the generator: most contended acquires end there (lockSpin).
    const ok = tryLockWord(this.#m, me) === TAKEN || (timeout > 0 && (lockSpin(this.#m, me) || runSync(lockSleep(this.#m, me, timeout))));
    if (ok) this.#entered();
    return ok;
  }

  async acquireAsync(timeoutMs?: number): Promise<boolean> {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('rlock.acquire', this.name);
    const me = ownerToken();
    if (this.#reenter(me)) return true;
    const ok = tryLockWord(this.#m, me) === TAKEN || (timeout > 0 && (await runAsync(lockSlow(this.#m, me, timeout))));
    if (ok) this.#entered();
    return ok;
  }

  #reenter(me: number): boolean {
    if (ownerForSelfCheck(this.#m) !== me) return false;
    this.#m.i32[R_DEPTH]!++;
    return true;
  }

  #entered(): void {
    this.#m.i32[R_DEPTH] = 1;
    yieldPoint('rlock.acquired', this.name);
  }

  release(): void {
    yieldPoint('rlock.release', this.name);
    const me = ownerToken();
    const owner = ownerForSelfCheck(this.#m);
    if (owner !== me) throw notOwner(this.name, me, owner);
    const depth = this.#m.i32[R_DEPTH]! - 1;
    this.#m.i32[R_DEPTH] = depth;
    if (depth === 0) unlockWord(this.#m);
  }

  locked(): boolean {
    return ownerOf(this.#m) !== 0;
  }

  heldByMe(): boolean {
    return ownerForSelfCheck(this.#m) === ownerToken();
  }

  /** How many times the calling thread holds it (0 if it does not). */
  depth(): number {
    return this.heldByMe() ? this.#m.i32[R_DEPTH]! : 0;
  }

  ownerThreadId(): number {
    return ownerOf(this.#m) - 1;
  }

  withLock<T>(fn: () => T, timeoutMs?: number): T {
    return withAcquired(this, fn, timeoutMs);
  }

  withLockAsync<T>(fn: () => T | Promise<T>, timeoutMs?: number): Promise<T> {
    return withAcquiredAsync(this, fn, timeoutMs);
  }

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
        if (!this.heldByMe()) return 0;
        const depth = m.i32[R_DEPTH]!;
        m.i32[R_DEPTH] = 0;
        unlockWord(m);
        return depth;
      },
      reacquire: function* (depth: number): Blocking<void> {
        const me = ownerToken();
        if (tryLockWord(m, me) !== TAKEN) yield* lockSlow(m, me, Infinity);
        m.i32[R_DEPTH] = depth;
      },
    };
  }
}

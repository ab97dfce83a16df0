import { ShakedownError } from './errors.js';
import { guardOf, guardOfAsync, withAcquired, withAcquiredAsync } from './acquirable.js';
import { type Guard } from './guard.js';
import { ATTACH, type AttachOption, type HandleBase, checkHandle } from './handle.js';
import { identityFor } from './identity.js';
import { CACHE_LINE, type Placement } from './memory.js';
import { checkInt, checkTimeout, deadlineOf, remainingUntil } from './validate.js';
import { type Blocking, runAsync, runSync } from './wait.js';
import { yieldPoint } from './yield-point.js';

/** Permits available now. Acquirers sleep on this word while it is 0. */
const S_VALUE = 0;
/** Threads asleep (or about to sleep) on S_VALUE, so release can skip the notify when there are none. */
const S_WAITERS = 1;
/** The initial value; BoundedSemaphore refuses to release past it. */
const S_BOUND = 2;
/** 1 for a BoundedSemaphore. */
const S_BOUNDED = 3;
const WORDS = 4;

export interface SemaphoreOptions {
  name?: string;
  at?: Placement;
}

export interface SemaphoreHandle extends HandleBase<'semaphore'> {
  readonly bounded: boolean;
}

/** A counting semaphore over shared memory. */
export class Semaphore implements SemaphoreHandle {
  static readonly byteLength = CACHE_LINE;
  readonly kind = 'semaphore' as const;
  readonly name: string;
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly bounded: boolean;
  readonly #i32: Int32Array;

  constructor(permits = 1, options: SemaphoreOptions & AttachOption = {}) {
    const attaching = options[ATTACH] !== undefined;
    if (!attaching) checkInt(permits, 'permits', 0);
    const label = new.target === BoundedSemaphore ? 'BoundedSemaphore' : 'Semaphore';
    ({ name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset } = identityFor(options, label, Semaphore.byteLength));
    this.#i32 = new Int32Array(this.buffer, this.byteOffset, WORDS);
    if (attaching) {
      this.bounded = this.#i32[S_BOUNDED] === 1;
      return;
    }
    this.bounded = new.target === BoundedSemaphore;
    this.#i32[S_VALUE] = permits;
    this.#i32[S_BOUND] = permits;
    this.#i32[S_BOUNDED] = this.bounded ? 1 : 0;
  }

  /** Attaches in another thread; returns a BoundedSemaphore when the handle is one. */
  static from(handle: unknown): Semaphore {
    const h = checkHandle(handle, 'semaphore');
    return h.bounded === true ? new BoundedSemaphore(0, { [ATTACH]: h }) : new Semaphore(0, { [ATTACH]: h });
  }

  handle(): SemaphoreHandle {
    return { kind: this.kind, name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset, bounded: this.bounded };
  }

  /** Permits available at this instant. */
  value(): number {
    return Atomics.load(this.#i32, S_VALUE);
  }

  tryAcquire(): boolean {
    yieldPoint('semaphore.acquire', this.name);
    const ok = this.#take();
    if (ok) yieldPoint('semaphore.acquired', this.name);
    return ok;
  }

  /** Takes one permit, waiting up to `timeoutMs`; false on timeout. */
  acquire(timeoutMs?: number): boolean {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('semaphore.acquire', this.name);
    const ok = this.#take() || (timeout > 0 && runSync(this.#acquireSlow(timeout)));
    if (ok) yieldPoint('semaphore.acquired', this.name);
    return ok;
  }

  async acquireAsync(timeoutMs?: number): Promise<boolean> {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('semaphore.acquire', this.name);
    const ok = this.#take() || (timeout > 0 && (await runAsync(this.#acquireSlow(timeout))));
    if (ok) yieldPoint('semaphore.acquired', this.name);
    return ok;
  }

  #take(): boolean {
    const i32 = this.#i32;
    let v = Atomics.load(i32, S_VALUE);
    while (v > 0) {
      const seen = Atomics.compareExchange(i32, S_VALUE, v, v - 1);
      if (seen === v) return true;
      v = seen;
    }
    return false;
  }

  *#acquireSlow(timeoutMs: number): Blocking<boolean> {
    const i32 = this.#i32;
    const deadline = deadlineOf(timeoutMs);
    Atomics.add(i32, S_WAITERS, 1);
    try {
      while (true) {
        // Re-try after every wake-up, even a timed-out one: a release may have landed meanwhile.
        if (this.#take()) return true;
        const remaining = remainingUntil(deadline);
        if (remaining === 0) {
          // We may have been the one a release woke. Giving up now would strand
          // that wake-up while other waiters sleep beside a free permit: pass it on.
          if (Atomics.load(i32, S_VALUE) > 0) Atomics.notify(i32, S_VALUE, 1);
          return false;
        }
        // Sleep only while no permit is free; S_WAITERS was raised before this
        // check, so a release that makes S_VALUE non-zero will see us and notify.
        yield { i32, index: S_VALUE, value: 0, timeoutMs: remaining, waitsFor: { id: this.id, name: `${this.name} (semaphore: a permit)` } };
      }
    } finally {
      Atomics.sub(i32, S_WAITERS, 1);
    }
  }

  /** Returns `n` permits and wakes up to `n` waiters. */
  release(n = 1): void {
    checkInt(n, 'n', 1);
    yieldPoint('semaphore.release', this.name);
    const i32 = this.#i32;
    if (this.bounded) {
      const bound = i32[S_BOUND]!;
      let v = Atomics.load(i32, S_VALUE);
      while (true) {
        if (v + n > bound) {
          throw new ShakedownError(
            'ERR_SEMAPHORE_OVER_RELEASE',
            `${this.name} released past its initial value ${bound} (value ${v}, releasing ${n})`,
          );
        }
        const seen = Atomics.compareExchange(i32, S_VALUE, v, v + n);
        if (seen === v) break;
        v = seen;
      }
    } else {
      Atomics.add(i32, S_VALUE, n);
    }
    if (Atomics.load(i32, S_WAITERS) > 0) Atomics.notify(i32, S_VALUE, n);
  }

  withPermit<T>(fn: () => T, timeoutMs?: number): T {
    return withAcquired(this, fn, timeoutMs);
  }

  withPermitAsync<T>(fn: () => T | Promise<T>, timeoutMs?: number): Promise<T> {
    return withAcquiredAsync(this, fn, timeoutMs);
  }

  guard(timeoutMs?: number): Guard {
    return guardOf(this, timeoutMs);
  }

  guardAsync(timeoutMs?: number): Promise<Guard> {
    return guardOfAsync(this, timeoutMs);
  }
}

/** A Semaphore whose release past the initial value throws ERR_SEMAPHORE_OVER_RELEASE. */
export class BoundedSemaphore extends Semaphore {}

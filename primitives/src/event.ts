import { ATTACH, type AttachOption, type HandleBase, checkHandle } from './handle.js';
import { identityFor } from './identity.js';
import { CACHE_LINE, type Placement } from './memory.js';
import { checkTimeout, deadlineOf, remainingUntil } from './validate.js';
import { type Blocking, runAsync, runSync } from './wait.js';
import { yieldPoint } from './yield-point.js';

/** 1 when set, 0 when clear. */
const E_FLAG = 0;
/**
 * How many times set() was called: waiters sleep on this word while it holds the value they read
 * before checking the flag. So a set() releases every thread waiting at that moment even if
 * clear() follows before they run (CPython's Event: its waiters return what the Condition's
 * notify_all told them, not the flag as it is when they wake). Sleeping on the flag instead, a
 * waiter woken by set() would find it cleared again and go back to sleep.
 */
const E_SETS = 1;

export interface EventOptions {
  name?: string;
  at?: Placement;
}

export type EventHandle = HandleBase<'event'>;

/**
 * A flag threads can wait on: set() releases every thread waiting at that moment (even if clear()
 * follows at once), and later waits return at once until clear().
 */
export class Event implements EventHandle {
  static readonly byteLength = CACHE_LINE;
  readonly kind = 'event' as const;
  readonly name: string;
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly #i32: Int32Array;

  constructor(options: EventOptions & AttachOption = {}) {
    ({ name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset } = identityFor(options, 'Event', Event.byteLength));
    this.#i32 = new Int32Array(this.buffer, this.byteOffset, 2);
  }

  static from(handle: unknown): Event {
    return new Event({ [ATTACH]: checkHandle(handle, 'event') });
  }

  handle(): EventHandle {
    return { kind: this.kind, name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset };
  }

  set(): void {
    yieldPoint('event.set', this.name);
    Atomics.store(this.#i32, E_FLAG, 1);
    // After the flag: a waiter that sees the count move finds the flag set, or a later clear().
    Atomics.add(this.#i32, E_SETS, 1);
    Atomics.notify(this.#i32, E_SETS);
  }

  clear(): void {
    yieldPoint('event.clear', this.name);
    Atomics.store(this.#i32, E_FLAG, 0);
  }

  isSet(): boolean {
    return Atomics.load(this.#i32, E_FLAG) === 1;
  }

  /** Waits until set (true) or `timeoutMs` passes (false). */
  wait(timeoutMs?: number): boolean {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('event.wait', this.name);
    const ok = this.isSet() || runSync(this.#waitSlow(timeout));
    if (ok) yieldPoint('event.woken', this.name);
    return ok;
  }

  async waitAsync(timeoutMs?: number): Promise<boolean> {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('event.wait', this.name);
    const ok = this.isSet() || (await runAsync(this.#waitSlow(timeout)));
    if (ok) yieldPoint('event.woken', this.name);
    return ok;
  }

  *#waitSlow(timeoutMs: number): Blocking<boolean> {
    const deadline = deadlineOf(timeoutMs);
    // Read before the flag: a set() after this read moves the count, so the sleep below returns at once.
    const sets = Atomics.load(this.#i32, E_SETS);
    while (!this.isSet()) {
      const remaining = remainingUntil(deadline);
      if (remaining === 0) return false;
      // The kernel re-checks "count unchanged" atomically, so a set() between our check and the sleep is not lost.
      yield { i32: this.#i32, index: E_SETS, value: sets, timeoutMs: remaining, waitsFor: { id: this.id, name: `${this.name} (event: set)` } };
      // Set while this thread waited: released, whatever the flag is now (a clear() may have followed).
      if (Atomics.load(this.#i32, E_SETS) !== sets) return true;
    }
    return true;
  }
}

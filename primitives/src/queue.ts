import { deserialize, serialize } from 'node:v8';
import { QueueClosedError, QueueEmptyError, QueueFullError, ShakedownError, invalidArg } from './errors.js';
import { ATTACH, type AttachOption, type HandleBase, checkHandle } from './handle.js';
import { identityFor } from './identity.js';
import { CACHE_LINE, type Placement, roundUp } from './memory.js';
import { checkInt, checkTimeout, deadlineOf, remainingUntil } from './validate.js';
import { type Blocking, runAsync, runSync } from './wait.js';
import { yieldPoint } from './yield-point.js';

/*
 * A bounded multi-producer multi-consumer FIFO in shared memory: a ring of
 * fixed-size slots guarded by a small internal futex lock (held only to copy a
 * slot in or out, never while blocking). Blocked producers and consumers sleep
 * on sequence words that every put / get / close bumps, so a wake-up that
 * lands between "saw full/empty" and "went to sleep" is never lost.
 */
/** Internal lock: 0 free, 1 held, 2 held with sleepers. */
const Q_LOCK = 0;
/** Slot index of the oldest message. */
const Q_HEAD = 1;
/** Messages in the queue. */
const Q_COUNT = 2;
/** 1 after close(): puts throw, gets drain then throw ERR_QUEUE_CLOSED. */
const Q_CLOSED = 3;
/** put() calls not yet matched by taskDone(). */
const Q_UNFINISHED = 4;
/** Bumped on every put and on close; consumers sleep on it while empty. */
const Q_NOT_EMPTY = 5;
/** Bumped on every get and on close; producers sleep on it while full. */
const Q_NOT_FULL = 6;
/** Bumped when Q_UNFINISHED reaches 0; join() sleeps on it. */
const Q_ALL_DONE = 7;
const Q_GET_WAITERS = 8;
const Q_PUT_WAITERS = 9;
const Q_CAPACITY = 10;
const Q_SLOT_BYTES = 11;
/** Highest Q_COUNT ever seen: lets a test check that capacity was never exceeded. */
const Q_HIGH_WATER = 12;
const HEADER_BYTES = CACHE_LINE;

/** Slot header: tag word then length word, then the payload. */
const TAG_NUMBER = 1;
const TAG_CLONED = 2;
const SLOT_HEADER_BYTES = 8;

const LOCK_SPINS = 200;
/** 1 GiB: a larger ring is almost surely a mistake (and SharedArrayBuffer would fail with a bare RangeError). */
export const MAX_QUEUE_BYTES = 1 << 30;
/** How long past its deadline a timed call may wait for the internal lock (see #lock). */
const INTERNAL_LOCK_GRACE_MS = 1000;

export interface QueueOptions {
  name?: string;
  at?: Placement;
  /**
   * Largest message in bytes once serialised with the structured-clone
   * algorithm (`v8.serialize`); default 1024. Numbers always fit (8 bytes).
   */
  maxMessageBytes?: number;
}

export interface QueueHandle extends HandleBase<'queue'> {
  readonly capacity: number;
  readonly maxMessageBytes: number;
}

/**
 * Bounded MPMC FIFO queue over shared memory. Carries numbers (stored as
 * float64, no serialisation) and any structured-cloneable value whose
 * serialised form fits in `maxMessageBytes` (objects, arrays, strings, Maps,
 * typed arrays, ...; not functions or class identity).
 *
 * Shutdown pattern: producers finish, then one of them (or the coordinator)
 * calls close(); consumers loop `for (const item of queue)` (or catch
 * ERR_QUEUE_CLOSED from get()) and exit once the queue is drained. Unlike a
 * stop Event checked before a blocking get(), close() also wakes consumers
 * already asleep on an empty queue, so none is left hanging.
 */
export class Queue<T = unknown> implements QueueHandle {
  static byteLengthFor(capacity: number, maxMessageBytes = 1024): number {
    return HEADER_BYTES + capacity * roundUp(SLOT_HEADER_BYTES + maxMessageBytes, 8);
  }
  readonly kind = 'queue' as const;
  readonly name: string;
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly capacity: number;
  readonly maxMessageBytes: number;
  readonly #i32: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #slotBytes: number;

  constructor(capacity: number, options: QueueOptions & AttachOption = {}) {
    const attached = options[ATTACH] as unknown as QueueHandle | undefined;
    this.capacity = attached?.capacity ?? checkInt(capacity, 'capacity', 1, 1 << 24);
    this.maxMessageBytes = attached?.maxMessageBytes ?? checkInt(options.maxMessageBytes ?? 1024, 'maxMessageBytes', 8, 1 << 24);
    const bytes = Queue.byteLengthFor(this.capacity, this.maxMessageBytes);
    if (attached === undefined && bytes > MAX_QUEUE_BYTES) {
      throw invalidArg('capacity x maxMessageBytes', `a queue of at most ${MAX_QUEUE_BYTES} bytes of shared memory`, `${bytes} bytes`);
    }
    ({ name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset } = identityFor(
      options,
      'Queue',
      Queue.byteLengthFor(this.capacity, this.maxMessageBytes),
    ));
    this.#slotBytes = roundUp(SLOT_HEADER_BYTES + this.maxMessageBytes, 8);
    const total = Queue.byteLengthFor(this.capacity, this.maxMessageBytes);
    this.#i32 = new Int32Array(this.buffer, this.byteOffset, HEADER_BYTES / 4);
    this.#bytes = new Uint8Array(this.buffer, this.byteOffset, total);
    this.#view = new DataView(this.buffer, this.byteOffset, total);
    if (attached === undefined) {
      this.#i32[Q_CAPACITY] = this.capacity;
      this.#i32[Q_SLOT_BYTES] = this.#slotBytes;
    }
  }

  static from<T = unknown>(handle: unknown): Queue<T> {
    return new Queue<T>(0, { [ATTACH]: checkHandle(handle, 'queue') });
  }

  handle(): QueueHandle {
    return {
      kind: this.kind,
      name: this.name,
      id: this.id,
      buffer: this.buffer,
      byteOffset: this.byteOffset,
      capacity: this.capacity,
      maxMessageBytes: this.maxMessageBytes,
    };
  }

  size(): number {
    return Atomics.load(this.#i32, Q_COUNT);
  }
  empty(): boolean {
    return this.size() === 0;
  }
  full(): boolean {
    return this.size() >= this.capacity;
  }
  get closed(): boolean {
    return Atomics.load(this.#i32, Q_CLOSED) === 1;
  }
  /** The most messages the queue has ever held at once. */
  highWater(): number {
    return Atomics.load(this.#i32, Q_HIGH_WATER);
  }
  /** put() calls not yet matched by taskDone(). */
  unfinished(): number {
    return Atomics.load(this.#i32, Q_UNFINISHED);
  }

  /** Adds `value`, waiting up to `timeoutMs` for room; throws QueueFullError on timeout, QueueClosedError once closed. */
  put(value: T, timeoutMs?: number): void {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('queue.put', this.name);
    runSync(this.#put(this.#encode(value), timeout));
  }

  async putAsync(value: T, timeoutMs?: number): Promise<void> {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('queue.put', this.name);
    await runAsync(this.#put(this.#encode(value), timeout));
  }

  /** put without waiting: throws QueueFullError when full. */
  putNowait(value: T): void {
    this.put(value, 0);
  }

  /** Removes the oldest message, waiting up to `timeoutMs`; throws QueueEmptyError on timeout, QueueClosedError when closed and drained. */
  get(timeoutMs?: number): T {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('queue.get', this.name);
    const value = this.#decode(runSync(this.#get(timeout)));
    yieldPoint('queue.got', this.name);
    return value;
  }

  async getAsync(timeoutMs?: number): Promise<T> {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('queue.get', this.name);
    const value = this.#decode(await runAsync(this.#get(timeout)));
    yieldPoint('queue.got', this.name);
    return value;
  }

  /** get without waiting: throws QueueEmptyError when empty (QueueClosedError when closed and drained). */
  getNowait(): T {
    return this.get(0);
  }

  /** Yields messages until the queue is closed and drained. */
  *[Symbol.iterator](): Iterator<T> {
    while (true) {
      try {
        yield this.get();
      } catch (err) {
        if (err instanceof QueueClosedError) return;
        throw err;
      }
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    while (true) {
      try {
        yield await this.getAsync();
      } catch (err) {
        if (err instanceof QueueClosedError) return;
        throw err;
      }
    }
  }

  /** No more puts; consumers drain what is left, then get() throws QueueClosedError. Wakes every sleeper. Idempotent. */
  close(): void {
    yieldPoint('queue.close', this.name);
    runSync(this.#close());
  }

  /** Marks one message taken by get() as fully processed (for join()). */
  taskDone(): void {
    yieldPoint('queue.taskDone', this.name);
    const i32 = this.#i32;
    let v = Atomics.load(i32, Q_UNFINISHED);
    while (true) {
      if (v <= 0) throw new ShakedownError('ERR_QUEUE_TASK_DONE', `${this.name}: taskDone() called more times than put()`);
      const seen = Atomics.compareExchange(i32, Q_UNFINISHED, v, v - 1);
      if (seen === v) break;
      v = seen;
    }
    if (v === 1) {
      Atomics.add(i32, Q_ALL_DONE, 1);
      Atomics.notify(i32, Q_ALL_DONE);
    }
  }

  /** Waits until every put() has been matched by taskDone(); false on timeout. */
  join(timeoutMs?: number): boolean {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('queue.join', this.name);
    return runSync(this.#join(timeout));
  }

  joinAsync(timeoutMs?: number): Promise<boolean> {
    const timeout = checkTimeout(timeoutMs);
    yieldPoint('queue.join', this.name);
    return runAsync(this.#join(timeout));
  }

  // ---- internals ------------------------------------------------------------------------

  #encode(value: T): Uint8Array | number {
    if (typeof value === 'number') return value;
    if (ArrayBuffer.isView(value) && value.buffer instanceof SharedArrayBuffer) {
      // v8.serialize would copy it: the consumer would get an unshared snapshot, silently.
      throw new ShakedownError(
        'ERR_INVALID_ARG',
        `${this.name}: a typed array or DataView over a SharedArrayBuffer would arrive as an unshared copy; send shared memory by workerData or postMessage, or put a plain copy (.slice()) on purpose`,
      );
    }
    let bytes: Uint8Array;
    try {
      bytes = serialize(value);
    } catch (err) {
      throw new ShakedownError('ERR_INVALID_ARG', `${this.name}: value cannot be structured-cloned: ${(err as Error).message}`);
    }
    if (bytes.length > this.maxMessageBytes) {
      throw new ShakedownError(
        'ERR_QUEUE_MESSAGE_TOO_LARGE',
        `${this.name}: message is ${bytes.length} bytes serialised, more than maxMessageBytes ${this.maxMessageBytes}`,
      );
    }
    return bytes;
  }

  #decode(raw: Uint8Array | number): T {
    return (typeof raw === 'number' ? raw : deserialize(raw)) as T;
  }

  /**
   * The internal lock over the ring's words. Its holders never block inside
   * it, so it is free within microseconds, unless a thread died (terminate())
   * while holding it: then a timed call still ends, with ERR_TIMEOUT, at most
   * INTERNAL_LOCK_GRACE_MS after its own deadline (the grace keeps ordinary
   * contention at an expired deadline reported as full/empty, not as this).
   */
  *#lock(deadline: number, timeoutMs: number): Blocking<void> {
    const i32 = this.#i32;
    for (let i = 0; i < LOCK_SPINS; i++) {
      if (Atomics.compareExchange(i32, Q_LOCK, 0, 1) === 0) return;
    }
    const lockDeadline = deadline + INTERNAL_LOCK_GRACE_MS;
    // Drepper's mutex2: mark contended, sleep while still contended (an unlock stores 0 and wakes one).
    while (Atomics.exchange(i32, Q_LOCK, 2) !== 0) {
      const remaining = remainingUntil(lockDeadline);
      if (remaining === 0) {
        throw new ShakedownError('ERR_TIMEOUT', `${this.name}: internal lock still held after ${timeoutMs} ms (did a thread die inside put() or get()?)`);
      }
      yield { i32, index: Q_LOCK, value: 2, timeoutMs: remaining };
    }
  }

  #unlock(): void {
    if (Atomics.sub(this.#i32, Q_LOCK, 1) !== 1) {
      Atomics.store(this.#i32, Q_LOCK, 0);
      Atomics.notify(this.#i32, Q_LOCK, 1);
    }
  }

  *#put(encoded: Uint8Array | number, timeoutMs: number): Blocking<void> {
    const i32 = this.#i32;
    const deadline = deadlineOf(timeoutMs);
    yield* this.#lock(deadline, timeoutMs);
    while (true) {
      if (i32[Q_CLOSED] === 1) {
        this.#unlock();
        throw new QueueClosedError(`${this.name} is closed`);
      }
      const count = i32[Q_COUNT]!;
      if (count < this.capacity) break;
      const remaining = remainingUntil(deadline);
      if (remaining === 0) {
        this.#unlock();
        throw new QueueFullError(timeoutMs === 0 ? `${this.name} is full` : `${this.name} still full after ${timeoutMs} ms`);
      }
      const seq = i32[Q_NOT_FULL]!;
      Atomics.add(i32, Q_PUT_WAITERS, 1);
      this.#unlock();
      // Sleep until a get (or close) bumps Q_NOT_FULL past the value seen under the lock.
      yield { i32, index: Q_NOT_FULL, value: seq, timeoutMs: remaining, waitsFor: { id: this.id, name: `${this.name} (queue: not full)` } };
      Atomics.sub(i32, Q_PUT_WAITERS, 1);
      yield* this.#lock(deadline, timeoutMs);
    }
    const count = i32[Q_COUNT]!;
    this.#writeSlot((i32[Q_HEAD]! + count) % this.capacity, encoded);
    Atomics.store(i32, Q_COUNT, count + 1);
    if (count + 1 > i32[Q_HIGH_WATER]!) Atomics.store(i32, Q_HIGH_WATER, count + 1);
    Atomics.add(i32, Q_UNFINISHED, 1);
    Atomics.add(i32, Q_NOT_EMPTY, 1);
    const sleepers = Atomics.load(i32, Q_GET_WAITERS);
    this.#unlock();
    if (sleepers > 0) Atomics.notify(i32, Q_NOT_EMPTY, 1);
  }

  *#get(timeoutMs: number): Blocking<Uint8Array | number> {
    const i32 = this.#i32;
    const deadline = deadlineOf(timeoutMs);
    yield* this.#lock(deadline, timeoutMs);
    while (i32[Q_COUNT] === 0) {
      if (i32[Q_CLOSED] === 1) {
        this.#unlock();
        throw new QueueClosedError(`${this.name} is closed and drained`);
      }
      const remaining = remainingUntil(deadline);
      if (remaining === 0) {
        this.#unlock();
        throw new QueueEmptyError(timeoutMs === 0 ? `${this.name} is empty` : `${this.name} still empty after ${timeoutMs} ms`);
      }
      const seq = i32[Q_NOT_EMPTY]!;
      Atomics.add(i32, Q_GET_WAITERS, 1);
      this.#unlock();
      yield { i32, index: Q_NOT_EMPTY, value: seq, timeoutMs: remaining, waitsFor: { id: this.id, name: `${this.name} (queue: not empty)` } };
      Atomics.sub(i32, Q_GET_WAITERS, 1);
      yield* this.#lock(deadline, timeoutMs);
    }
    const head = i32[Q_HEAD]!;
    const raw = this.#readSlot(head);
    Atomics.store(i32, Q_HEAD, (head + 1) % this.capacity);
    const left = i32[Q_COUNT]! - 1;
    Atomics.store(i32, Q_COUNT, left);
    Atomics.add(i32, Q_NOT_FULL, 1);
    const producers = Atomics.load(i32, Q_PUT_WAITERS);
    const consumers = Atomics.load(i32, Q_GET_WAITERS);
    this.#unlock();
    if (producers > 0) Atomics.notify(i32, Q_NOT_FULL, 1);
    // One put wakes one consumer; if that consumer was us and more remain, pass a wake-up on
    // so that a consumer that timed out instead of taking its message strands nobody.
    if (left > 0 && consumers > 0) Atomics.notify(i32, Q_NOT_EMPTY, 1);
    return raw;
  }

  *#close(): Blocking<void> {
    const i32 = this.#i32;
    yield* this.#lock(Infinity, Infinity);
    Atomics.store(i32, Q_CLOSED, 1);
    Atomics.add(i32, Q_NOT_EMPTY, 1);
    Atomics.add(i32, Q_NOT_FULL, 1);
    this.#unlock();
    Atomics.notify(i32, Q_NOT_EMPTY);
    Atomics.notify(i32, Q_NOT_FULL);
  }

  *#join(timeoutMs: number): Blocking<boolean> {
    const i32 = this.#i32;
    const deadline = deadlineOf(timeoutMs);
    while (true) {
      const seq = Atomics.load(i32, Q_ALL_DONE);
      if (Atomics.load(i32, Q_UNFINISHED) === 0) return true;
      const remaining = remainingUntil(deadline);
      if (remaining === 0) return false;
      yield { i32, index: Q_ALL_DONE, value: seq, timeoutMs: remaining, waitsFor: { id: this.id, name: `${this.name} (queue: every task done)` } };
    }
  }

  #writeSlot(slot: number, encoded: Uint8Array | number): void {
    const at = HEADER_BYTES + slot * this.#slotBytes;
    if (typeof encoded === 'number') {
      this.#view.setInt32(at, TAG_NUMBER, true);
      this.#view.setFloat64(at + SLOT_HEADER_BYTES, encoded, true);
    } else {
      this.#view.setInt32(at, TAG_CLONED, true);
      this.#view.setInt32(at + 4, encoded.length, true);
      this.#bytes.set(encoded, at + SLOT_HEADER_BYTES);
    }
  }

  #readSlot(slot: number): Uint8Array | number {
    const at = HEADER_BYTES + slot * this.#slotBytes;
    if (this.#view.getInt32(at, true) === TAG_NUMBER) return this.#view.getFloat64(at + SLOT_HEADER_BYTES, true);
    const len = this.#view.getInt32(at + 4, true);
    return this.#bytes.slice(at + SLOT_HEADER_BYTES, at + SLOT_HEADER_BYTES + len);
  }
}

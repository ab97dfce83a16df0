import { ATTACH, type AttachOption, type HandleBase, checkHandle } from './handle.js';
import { identityFor } from './identity.js';
import { type Placement } from './memory.js';
import { yieldPoint } from './yield-point.js';
import { invalidArg } from './errors.js';

export interface AtomicOptions {
  name?: string;
  at?: Placement;
}

export type AtomicIntHandle = HandleBase<'atomic-int'>;

/**
 * Operands must be 32-bit signed integers: Int32Array would silently turn NaN
 * into 0, 2**32 into 0 and 1.7 into 1. `(v | 0) === v` is that test in one
 * cheap comparison (it also rejects strings and other non-numbers).
 */
function i32(value: number, what: string): number {
  if ((value | 0) !== value) throw invalidArg(what, 'a 32-bit signed integer (-2147483648 to 2147483647)', value);
  return value;
}

/** Operands of AtomicBigInt: bigints that fit in 64 signed bits (BigInt64Array would wrap the rest). */
function i64(value: bigint, what: string): bigint {
  if (typeof value !== 'bigint' || BigInt.asIntN(64, value) !== value) throw invalidArg(what, 'a bigint from -(2n ** 63n) to 2n ** 63n - 1n', value);
  return value;
}

/** A 32-bit signed integer in shared memory; every operation is one sequentially consistent Atomics call. Wraps on overflow like Int32Array. */
export class AtomicInt implements AtomicIntHandle {
  static readonly byteLength = 8;
  readonly kind = 'atomic-int' as const;
  readonly name: string;
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly #i32: Int32Array;

  constructor(initial = 0, options: AtomicOptions & AttachOption = {}) {
    const attaching = options[ATTACH] !== undefined;
    if (!attaching) i32(initial, 'initial');
    ({ name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset } = identityFor(options, 'AtomicInt', AtomicInt.byteLength));
    this.#i32 = new Int32Array(this.buffer, this.byteOffset, 1);
    if (attaching) return;
    Atomics.store(this.#i32, 0, initial);
  }

  static from(handle: unknown): AtomicInt {
    return new AtomicInt(0, { [ATTACH]: checkHandle(handle, 'atomic-int') });
  }

  handle(): AtomicIntHandle {
    return { kind: this.kind, name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset };
  }

  get(): number {
    yieldPoint('atomic.read', this.name);
    return Atomics.load(this.#i32, 0);
  }
  set(value: number): void {
    yieldPoint('atomic.write', this.name);
    Atomics.store(this.#i32, 0, i32(value, 'value'));
  }
  /** Adds `delta`; returns the new value. */
  add(delta: number): number {
    yieldPoint('atomic.rmw', this.name);
    return (Atomics.add(this.#i32, 0, i32(delta, 'delta')) + delta) | 0;
  }
  sub(delta: number): number {
    return this.add(-i32(delta, 'delta') | 0);
  }
  increment(): number {
    return this.add(1);
  }
  decrement(): number {
    return this.add(-1);
  }
  /** Stores `value`; returns the previous value. */
  exchange(value: number): number {
    yieldPoint('atomic.rmw', this.name);
    return Atomics.exchange(this.#i32, 0, i32(value, 'value'));
  }
  /** Stores `replacement` if the value is `expected`; returns the value seen (equal to `expected` on success). */
  compareExchange(expected: number, replacement: number): number {
    yieldPoint('atomic.rmw', this.name);
    return Atomics.compareExchange(this.#i32, 0, i32(expected, 'expected'), i32(replacement, 'replacement'));
  }
  /** Sets to `value` if that is larger; returns the resulting maximum. */
  max(value: number): number {
    i32(value, 'value');
    let seen = this.get();
    while (value > seen) {
      yieldPoint('atomic.rmw', this.name);
      const prev = Atomics.compareExchange(this.#i32, 0, seen, value);
      if (prev === seen) return value;
      seen = prev;
    }
    return seen;
  }
}

export type AtomicBigIntHandle = HandleBase<'atomic-bigint'>;

/** A 64-bit signed integer (bigint) in shared memory, for counters that would overflow 32 bits. */
export class AtomicBigInt implements AtomicBigIntHandle {
  static readonly byteLength = 8;
  readonly kind = 'atomic-bigint' as const;
  readonly name: string;
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly #i64: BigInt64Array;

  constructor(initial = 0n, options: AtomicOptions & AttachOption = {}) {
    const attaching = options[ATTACH] !== undefined;
    if (!attaching) i64(initial, 'initial');
    ({ name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset } = identityFor(options, 'AtomicBigInt', AtomicBigInt.byteLength));
    this.#i64 = new BigInt64Array(this.buffer, this.byteOffset, 1);
    if (attaching) return;
    Atomics.store(this.#i64, 0, initial);
  }

  static from(handle: unknown): AtomicBigInt {
    return new AtomicBigInt(0n, { [ATTACH]: checkHandle(handle, 'atomic-bigint') });
  }

  handle(): AtomicBigIntHandle {
    return { kind: this.kind, name: this.name, id: this.id, buffer: this.buffer, byteOffset: this.byteOffset };
  }

  get(): bigint {
    yieldPoint('atomic.read', this.name);
    return Atomics.load(this.#i64, 0);
  }
  set(value: bigint): void {
    yieldPoint('atomic.write', this.name);
    Atomics.store(this.#i64, 0, i64(value, 'value'));
  }
  add(delta: bigint): bigint {
    yieldPoint('atomic.rmw', this.name);
    return BigInt.asIntN(64, Atomics.add(this.#i64, 0, i64(delta, 'delta')) + delta);
  }
  increment(): bigint {
    return this.add(1n);
  }
  exchange(value: bigint): bigint {
    yieldPoint('atomic.rmw', this.name);
    return Atomics.exchange(this.#i64, 0, i64(value, 'value'));
  }
  compareExchange(expected: bigint, replacement: bigint): bigint {
    yieldPoint('atomic.rmw', this.name);
    return Atomics.compareExchange(this.#i64, 0, i64(expected, 'expected'), i64(replacement, 'replacement'));
  }
}

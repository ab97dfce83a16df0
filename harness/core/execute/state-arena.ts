/**
 * Shared memory for trial states, handed out by `ctx.alloc` / `ctx.int32` in
 * a suite's `setup`. Why: a SharedArrayBuffer per trial costs an allocation in
 * setup and one more buffer in every worker's structured clone of the batch,
 * the largest per-trial cost of the harness (BENCHMARKS.md, throughput). A
 * batch's states packed into a few 64 KiB chunks clone as a handful of
 * buffers; the chunks are zeroed and handed out again to the next batch, once
 * this one's trials are graded.
 */
import type { Placement } from '@shakedown/primitives';

const CHUNK_BYTES = 64 * 1024;
/** Every allocation starts on its own cache line, so two allocations never share one (false sharing changes timing). */
const ALIGN = 64;
/** Up to this many bytes a slot is zeroed word by word (SlotAllocator.zero). */
const SMALL_SLOT_BYTES = 256;

/** What one allocation of `bytes` takes: whole cache lines, at least one. */
export function alignedSize(bytes: number): number {
  return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
}

export class StateArena {
  /** Chunks in hand-out order; those before #chunk (and #chunk up to #offset) are in use by the current batch. */
  #chunks: SharedArrayBuffer[] = [];
  #chunk = 0;
  #offset = 0;

  /** `bytes` of zeroed shared memory, 64-byte aligned, valid until the batch is graded. */
  alloc(bytes: number): Placement {
    const size = alignedSize(bytes);
    // Too big to share a chunk: its own buffer, never recycled.
    if (size > CHUNK_BYTES / 4) return { buffer: new SharedArrayBuffer(size), byteOffset: 0 };
    if (this.#chunk < this.#chunks.length && this.#offset + size > CHUNK_BYTES) {
      this.#chunk++;
      this.#offset = 0;
    }
    if (this.#chunk === this.#chunks.length) this.#chunks.push(new SharedArrayBuffer(CHUNK_BYTES));
    const at = { buffer: this.#chunks[this.#chunk]!, byteOffset: this.#offset };
    this.#offset += size;
    return at;
  }

  /** The next batch starts: zero what this one used and hand it out again. Only once no worker can touch it. */
  recycle(): void {
    for (let i = 0; i <= this.#chunk && i < this.#chunks.length; i++) {
      new Uint8Array(this.#chunks[i]!, 0, i < this.#chunk ? CHUNK_BYTES : this.#offset).fill(0);
    }
    this.#chunk = 0;
    this.#offset = 0;
  }

  /** After a hang or crash a worker may still be writing: drop every chunk instead of reusing it. */
  abandon(): void {
    this.#chunks = [];
    this.#chunk = 0;
    this.#offset = 0;
  }
}

/** The allocation half of a setup context: from an arena, or fresh buffers when there is none. */
export interface SetupAllocator {
  alloc(bytes: number): Placement;
  int32(length: number): Int32Array;
}

export function allocatorOf(arena: StateArena | null): SetupAllocator {
  const alloc = (bytes: number): Placement => {
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > 2 ** 30) throw new RangeError(`ctx.alloc(bytes) in setup: expected an integer from 0 to 2^30, got ${String(bytes)}`);
    return arena === null ? { buffer: new SharedArrayBuffer(Math.max(8, Math.ceil(bytes / 8) * 8)), byteOffset: 0 } : arena.alloc(bytes);
  };
  return {
    alloc,
    int32(length: number): Int32Array {
      const at = alloc(4 * length);
      return new Int32Array(at.buffer, at.byteOffset, length);
    },
  };
}

/**
 * In-worker trials (worker/in-worker-trials.ts): trial `slot`'s memory is `stride` bytes of one
 * buffer from slot x stride, handed out in the order setup asks, so that every thread running the
 * same setup gets the same offsets. Past the stride (more than the measured trials took) it throws.
 * One allocator serves a whole batch (moveTo before each trial's setup): nothing is allocated per trial.
 */
export class SlotAllocator implements SetupAllocator {
  readonly #buffer: SharedArrayBuffer;
  readonly #stride: number;
  readonly #bytes: Uint8Array;
  /** The same memory in 8-byte words, for zeroing a small slot with a few stores (strides are multiples of ALIGN). */
  readonly #words: Float64Array;
  #base = 0;
  #used = 0;
  #trial = 0;

  constructor(buffer: SharedArrayBuffer, stride: number) {
    this.#buffer = buffer;
    this.#bytes = new Uint8Array(buffer);
    this.#words = new Float64Array(buffer, 0, Math.floor(buffer.byteLength / 8));
    this.#stride = stride;
  }

  /** The next allocations are trial `trial`'s, in slot `slot`. */
  moveTo(slot: number, trial: number): void {
    this.#base = slot * this.#stride;
    this.#used = 0;
    this.#trial = trial;
  }

  /** Zeroes slot `slot` once its trial is graded, ready for the set's next batch (BatchMemory.next then need not). */
  zero(slot: number): void {
    if (this.#stride > SMALL_SLOT_BYTES) {
      this.#bytes.fill(0, slot * this.#stride, (slot + 1) * this.#stride);
      return;
    }
    // A slot of a few cache lines, zeroed once per trial: a few plain stores instead of the call into
    // fill(), which was 5% of a 1-thread in-worker trial's CPU profile (not measured apart since).
    const words = this.#words;
    for (let i = (slot * this.#stride) / 8, end = ((slot + 1) * this.#stride) / 8; i < end; i++) words[i] = 0;
  }

  readonly alloc = (bytes: number): Placement => {
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > 2 ** 30) throw new RangeError(`ctx.alloc(bytes) in setup: expected an integer from 0 to 2^30, got ${String(bytes)}`);
    const size = alignedSize(bytes);
    if (this.#used + size > this.#stride) {
      throw new RangeError(`setup of trial ${this.#trial} asked for more than the ${this.#stride} bytes the first trials took; a suite with trialsInWorkers must allocate the same in every trial (or leave trialsInWorkers off)`);
    }
    const at = { buffer: this.#buffer, byteOffset: this.#base + this.#used };
    this.#used += size;
    return at;
  };

  readonly int32 = (length: number): Int32Array => {
    const at = this.alloc(4 * length);
    return new Int32Array(at.buffer, at.byteOffset, length);
  };
}

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

export class StateArena {
  /** Chunks in hand-out order; those before #chunk (and #chunk up to #offset) are in use by the current batch. */
  #chunks: SharedArrayBuffer[] = [];
  #chunk = 0;
  #offset = 0;

  /** `bytes` of zeroed shared memory, 64-byte aligned, valid until the batch is graded. */
  alloc(bytes: number): Placement {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
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

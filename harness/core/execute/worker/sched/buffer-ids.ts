/**
 * Buffer identity under control. A SharedArrayBuffer cloned into each worker is a different object
 * in each (and across messages even in one worker), so ids come from a walk of the trial state in
 * key order: structured clone keeps key order, so every thread, walking its own clone, gives each
 * buffer the same id; the main thread's walk of the original names them. Ids start at 1.
 *
 * Byte offsets are reported relative to the buffer's base: the lowest offset at which the state
 * reaches it (a view's byteOffset, a primitive handle's byteOffset; 0 for a bare buffer). The
 * state arena packs a batch's states into shared chunks, so absolute offsets depend on the trial's
 * place in its batch; relative ones are the same in every run of the trial (hashes, replay).
 *
 * Id 0 is internal (the harness's and the primitives' own buffers): a pass-through, no point.
 * A buffer with no id is unknown (created in the actor or prepare(), a module's private word):
 * its operations are real and not points, except waits (model.ts).
 */

/** How deep the walk goes (word-names.ts walks the same way, with these limits, so ids and names agree): state objects are shallow; a cyclic or huge one must not stall a trial. */
export const MAX_DEPTH = 8;
/** Entries visited at most per state: a state holding a big array of numbers is not walked in full. */
export const MAX_VISITS = 10_000;

export const INTERNAL_BUFFER = 0;

/** Ids of the buffers one trial's state reaches (1, 2, ... in walk order), and the internal ones (0). */
export class BufferIds {
  readonly #ids = new WeakMap<SharedArrayBuffer, number>();
  readonly #internal: readonly SharedArrayBuffer[];
  #count = 0;
  /** Per id (index id - 1): the buffer's base, the lowest byte offset the state reaches it at. */
  #bases: number[] = [];

  constructor(internal: readonly SharedArrayBuffer[]) {
    this.#internal = internal;
    for (const b of internal) this.#ids.set(b, INTERNAL_BUFFER);
  }

  /** The id of `buffer`: 0 internal, 1.. a buffer of the trial state, undefined unknown. */
  idOf(buffer: ArrayBufferLike): number | undefined {
    return this.#ids.get(buffer as SharedArrayBuffer);
  }

  /** The base of buffer `id` (see above); 0 for unknown and internal buffers. */
  baseOf(id: number): number {
    return id > 0 ? (this.#bases[id - 1] ?? 0) : 0;
  }

  /** Buffers of the trial state found by the last identify(). */
  get count(): number {
    return this.#count;
  }

  /**
   * Gives ids to every SharedArrayBuffer `state` reaches, in the order first reached: directly or as
   * the `.buffer` of a view; through arrays, plain objects, Maps and Sets, in key order. A new
   * trial forgets the last one's ids (its state is a new clone).
   */
  identify(state: unknown): void {
    this.#count = 0;
    this.#bases = [];
    // A WeakMap cannot be cleared: every entry the walk gives is overwritten by the next walk, and
    // stale ones belong to states no longer used. A state that reaches an internal buffer leaves it internal.
    let visits = 0;
    const seen = new Set<object>();
    const give = (b: SharedArrayBuffer, offset: number | undefined): void => {
      if (this.#internal.includes(b)) return;
      if (!seen.has(b)) {
        seen.add(b);
        this.#ids.set(b, ++this.#count);
      }
      const i = this.#ids.get(b)! - 1;
      if (offset !== undefined) this.#bases[i] = Math.min(this.#bases[i] ?? Infinity, offset);
    };
    const walk = (v: unknown, depth: number): void => {
      if (v === null || typeof v !== 'object' || depth > MAX_DEPTH || ++visits > MAX_VISITS) return;
      if (v instanceof SharedArrayBuffer) return give(v, undefined);
      if (ArrayBuffer.isView(v)) {
        if (v.buffer instanceof SharedArrayBuffer) give(v.buffer, v.byteOffset);
        return;
      }
      if (seen.has(v)) return;
      seen.add(v);
      // A primitive's handle ({ buffer, byteOffset, ... }): its offset counts toward the base.
      const handle = v as { buffer?: unknown; byteOffset?: unknown };
      if (handle.buffer instanceof SharedArrayBuffer && typeof handle.byteOffset === 'number') give(handle.buffer, handle.byteOffset);
      if (v instanceof Map) {
        for (const [k, x] of v) {
          walk(k, depth + 1);
          walk(x, depth + 1);
        }
      } else if (v instanceof Set) {
        for (const x of v) walk(x, depth + 1);
      } else if (Array.isArray(v)) {
        for (const x of v) walk(x, depth + 1);
      } else {
        for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], depth + 1);
      }
    };
    walk(state, 0);
  }
}

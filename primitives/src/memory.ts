import { invalidArg } from './errors.js';

/**
 * Where a primitive's words live. By default each primitive allocates its own
 * SharedArrayBuffer; passing `at` lays it out inside a caller's buffer instead
 * (the harness packs a trial's whole state into one arena this way).
 */
export interface Placement {
  buffer: SharedArrayBuffer;
  /** Must be a multiple of 8. */
  byteOffset: number;
}

/** Bytes of one cache line: hot words of different primitives are kept this far apart. */
export const CACHE_LINE = 64;

export function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

export function place(at: Placement | undefined, byteLength: number): Placement {
  if (at === undefined) return { buffer: new SharedArrayBuffer(byteLength), byteOffset: 0 };
  if (!(at.buffer instanceof SharedArrayBuffer)) throw invalidArg('at.buffer', 'a SharedArrayBuffer', at.buffer);
  if (!Number.isInteger(at.byteOffset) || at.byteOffset < 0 || at.byteOffset % 8 !== 0) {
    throw invalidArg('at.byteOffset', 'a non-negative multiple of 8', at.byteOffset);
  }
  if (at.byteOffset + byteLength > at.buffer.byteLength) {
    throw invalidArg('at', `a buffer with ${byteLength} bytes free at offset ${at.byteOffset}`, at.buffer.byteLength);
  }
  return at;
}

import { ShakedownError, formatValue } from './errors.js';

/**
 * What crosses a thread boundary. Every primitive's own enumerable fields are
 * exactly its handle, so `postMessage(lock)` and `postMessage(lock.handle())`
 * both arrive as a handle that `Lock.from(...)` (or `attach(...)`) turns back
 * into a working primitive over the same shared memory.
 */
export interface HandleBase<K extends string> {
  readonly kind: K;
  readonly name: string;
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
}

export function checkHandle<K extends string>(h: unknown, kind: K): HandleBase<K> & Record<string, unknown> {
  if (typeof h !== 'object' || h === null) {
    throw new ShakedownError('ERR_BAD_HANDLE', `expected a ${kind} handle, got ${formatValue(h)}`);
  }
  const o = h as Record<string, unknown>;
  if (o.kind !== kind) {
    throw new ShakedownError('ERR_BAD_HANDLE', `expected a ${kind} handle, got kind ${formatValue(o.kind)}`);
  }
  if (!(o.buffer instanceof SharedArrayBuffer) || typeof o.byteOffset !== 'number' || typeof o.id !== 'number' || typeof o.name !== 'string') {
    throw new ShakedownError('ERR_BAD_HANDLE', `malformed ${kind} handle: needs buffer (SharedArrayBuffer), byteOffset, id and name`);
  }
  return o as HandleBase<K> & Record<string, unknown>;
}

/** Internal: constructor option that attaches to an existing handle instead of allocating. */
export const ATTACH: unique symbol = Symbol('shakedown.attach');
export interface AttachOption {
  [ATTACH]?: HandleBase<string> & Record<string, unknown>;
}

import { ATTACH as ATTACH_KEY, type AttachOption } from './handle.js';
import { type Placement, place } from './memory.js';
import { nextPrimitiveId } from './registry.js';
import { checkName } from './validate.js';

/** Where a primitive lives and what it is called: the fields every handle carries. */
export interface Identity {
  name: string;
  id: number;
  buffer: SharedArrayBuffer;
  byteOffset: number;
}

/**
 * The identity of a primitive being constructed: copied from the handle when
 * attaching, otherwise a new id, the given or default name (`<Kind>#<id>`) and
 * fresh (or placed) memory of `byteLength` bytes.
 */
export function identityFor(options: { name?: string; at?: Placement } & AttachOption, kindLabel: string, byteLength: number): Identity {
  const attached = options[ATTACH_KEY];
  if (attached !== undefined) {
    return { name: attached.name, id: attached.id, buffer: attached.buffer, byteOffset: attached.byteOffset };
  }
  const id = nextPrimitiveId();
  const name = checkName(options.name, `${kindLabel}#${id}`);
  const at = place(options.at, byteLength);
  return { name, id, buffer: at.buffer, byteOffset: at.byteOffset };
}

import type { Payload } from './spec.js';

export interface Message {
  id: number;
  seq: number;
}

/** A fresh object per message, as a real producer would send; numbers go through the Queue's float64 fast path. */
export function makeMessage(payload: Payload, id: number, seq: number): number | Message {
  return payload === 'number' ? seq : { id, seq };
}

/** The sequence number a received message carries, for the sent == received checksum. */
export function seqOf(value: unknown): number {
  if (typeof value === 'number') return value;
  return (value as Message).seq;
}

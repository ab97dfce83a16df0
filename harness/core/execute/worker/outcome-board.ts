/**
 * The outcome board of in-worker trials (in-worker-trials.ts): where each thread leaves what its
 * actor ended with, so that thread 0 can grade the trial without the main thread. One slot of
 * BOARD_SLOT_BYTES per trial of the batch and thread, written by that thread before it arrives at
 * the next start gate and read by thread 0 after that gate released (the gate's atomics order the
 * plain writes before the reads).
 *
 * Slot layout: Int32 tag at byte 0, Int32 length at byte 4, a Float64 at byte 8, serialized bytes
 * from byte 16. undefined, null, booleans and numbers need only the tag and the Float64 (the usual
 * actor results: nothing to serialize per trial); anything else goes through v8.serialize, the
 * structured clone a reply to the main thread would use, and must fit the slot.
 */
import { deserialize, serialize } from 'node:v8';
import type { ActorError, ActorOutcome } from '../../../suite-api.js';
import { serializeError } from '../../shared/errors.js';

export const BOARD_SLOT_BYTES = 1024;
const HEADER_BYTES = 16;
const PAYLOAD_BYTES = BOARD_SLOT_BYTES - HEADER_BYTES;

const TAG_UNDEFINED = 1;
const TAG_NULL = 2;
const TAG_TRUE = 3;
const TAG_FALSE = 4;
const TAG_NUMBER = 5;
/** An ok value, serialized. */
const TAG_VALUE = 6;
/** An error (serializeError's plain object), serialized. */
const TAG_ERROR = 7;

/** Bytes of a board for `trials` trials of `threads` threads. */
export function boardBytes(trials: number, threads: number): number {
  return trials * threads * BOARD_SLOT_BYTES;
}

/** Marks the first `trials` trials' slots empty (their tags only: the rest is read only after a tag). */
export function clearBoard(buffer: SharedArrayBuffer, trials: number, threads: number): void {
  const i32 = new Int32Array(buffer);
  const step = BOARD_SLOT_BYTES / 4;
  for (let slot = 0; slot < trials * threads; slot++) i32[slot * step] = 0;
}

export class OutcomeBoard {
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #u8: Uint8Array;
  readonly #threads: number;

  constructor(buffer: SharedArrayBuffer, threads: number) {
    this.#i32 = new Int32Array(buffer);
    this.#f64 = new Float64Array(buffer);
    this.#u8 = new Uint8Array(buffer);
    this.#threads = threads;
  }

  #at(k: number, thread: number): number {
    return (k * this.#threads + thread) * BOARD_SLOT_BYTES;
  }

  /** Thread `thread`'s outcome of trial `k` of the batch. */
  write(k: number, thread: number, outcome: ActorOutcome<unknown>): void {
    const at = this.#at(k, thread);
    if (outcome.ok) {
      const v = outcome.value;
      const tag = v === undefined ? TAG_UNDEFINED : v === null ? TAG_NULL : v === true ? TAG_TRUE : v === false ? TAG_FALSE : typeof v === 'number' ? TAG_NUMBER : 0;
      if (tag !== 0) {
        if (tag === TAG_NUMBER) this.#f64[at / 8 + 1] = v as number;
        this.#i32[at / 4] = tag;
        return;
      }
      let bytes: Buffer;
      try {
        bytes = serialize(v);
      } catch (err) {
        this.#writeError(at, new TypeError(`the actor returned a value that cannot be sent between threads (${(err as Error).message}); return plain data`));
        return;
      }
      if (bytes.length <= PAYLOAD_BYTES) {
        this.#writeBytes(at, TAG_VALUE, bytes);
        return;
      }
      this.#writeError(at, new RangeError(`the actor returned ${bytes.length} bytes (serialized); a suite with trialsInWorkers passes at most ${PAYLOAD_BYTES} per thread and trial: return a summary (counts, not arrays), or leave trialsInWorkers off`));
      return;
    }
    this.#writeErrorObject(at, outcome.error as unknown as Record<string, unknown>);
  }

  /** Marks trial `k`'s slots empty again once it is graded (clearBoard's work, done where the lines are already in cache). */
  clear(k: number): void {
    for (let t = 0; t < this.#threads; t++) this.#i32[this.#at(k, t) / 4] = 0;
  }

  read(k: number, thread: number): ActorOutcome<unknown> {
    const at = this.#at(k, thread);
    switch (this.#i32[at / 4]) {
      case TAG_UNDEFINED:
        return { ok: true, value: undefined };
      case TAG_NULL:
        return { ok: true, value: null };
      case TAG_TRUE:
        return { ok: true, value: true };
      case TAG_FALSE:
        return { ok: true, value: false };
      case TAG_NUMBER:
        return { ok: true, value: this.#f64[at / 8 + 1] };
      case TAG_VALUE:
        return { ok: true, value: deserialize(this.#bytes(at)) as unknown };
      case TAG_ERROR:
        return { ok: false, error: deserialize(this.#bytes(at)) as ActorError };
      default:
        return { ok: false, error: { name: 'HarnessError', message: `thread ${thread} left no outcome for this trial` } };
    }
  }

  #bytes(at: number): Buffer {
    const length = this.#i32[at / 4 + 1]!;
    return Buffer.from(this.#u8.slice(at + HEADER_BYTES, at + HEADER_BYTES + length));
  }

  #writeBytes(at: number, tag: number, bytes: Buffer): void {
    this.#u8.set(bytes, at + HEADER_BYTES);
    this.#i32[at / 4 + 1] = bytes.length;
    this.#i32[at / 4] = tag;
  }

  #writeError(at: number, err: unknown): void {
    this.#writeErrorObject(at, serializeError(err) as unknown as Record<string, unknown>);
  }

  /**
   * An error, shortened until it fits: message and stack to their first lines (the top frames say
   * the most), then without the stack, then without its deadlock cycle. What the main-thread path
   * would keep whole (4,000 characters of message, 16,000 of stack) cannot cross in a 1 KB slot.
   */
  #writeErrorObject(at: number, error: Record<string, unknown>): void {
    const cut = (v: unknown, n: number): string => String(v).slice(0, n);
    const withStack = (message: number, stack: number): Record<string, unknown> => ({ ...error, message: cut(error.message, message), ...(typeof error.stack === 'string' ? { stack: cut(error.stack, stack) } : {}) });
    const { stack: _stack, ...noStack } = error;
    const { cycle: _cycle, ...noCycle }: Record<string, unknown> = { ...noStack, message: cut(error.message, 300) };
    const tries: Array<Record<string, unknown>> = [
      error,
      withStack(400, 500),
      withStack(300, 300),
      withStack(200, 150),
      { ...noStack, message: cut(error.message, 300) },
      noCycle,
      { name: cut(error.name, 100), message: cut(error.message, 200) },
    ];
    for (const e of tries) {
      let bytes: Buffer;
      try {
        bytes = serialize(e);
      } catch {
        continue;
      }
      if (bytes.length <= PAYLOAD_BYTES) {
        this.#writeBytes(at, TAG_ERROR, bytes);
        return;
      }
    }
    this.#writeBytes(at, TAG_ERROR, serialize({ name: 'Error', message: 'an error too large to pass between threads' }));
  }
}

/**
 * Trial traces in shared memory: while a batch runs, each thread writes the
 * primitive events of each trial into its own region of a shared arena (plain
 * stores, no contention); after the batch the main thread reads the regions
 * of the trials that failed. Strings (op and primitive names) are interned
 * per worker and batch, and mirrored into a shared names arena, readable even
 * after the worker is killed (a hang).
 */
export interface TraceEvent {
  /** Absolute time in ms (performance.timeOrigin + now): comparable across threads. */
  time: number;
  thread: number;
  threadName: string;
  op: string;
  primitive: string;
}

/** Float64 slots per event: interned op, interned primitive name, time. */
const EVENT_SLOTS = 3;
/**
 * Float64 slots before a region's events: the stamp of the batch that wrote it, and how many events
 * it recorded. A region whose stamp is not its batch's is empty: an arena is reused by later batches
 * and a thread that never reaches a trial (the one after a hang) leaves an older batch's events
 * there, yet nobody has to clear the arena before a batch (a strided store per trial and thread,
 * 3% of the main thread's time in the plain-increment bench).
 */
const HEADER_SLOTS = 2;

function regionSlots(eventsPerThread: number): number {
  return HEADER_SLOTS + EVENT_SLOTS * eventsPerThread;
}

export function traceArenaBytes(trials: number, threads: number, eventsPerThread: number): number {
  return trials * threads * regionSlots(eventsPerThread) * 8;
}

/** Bytes per thread for its interned strings (length-prefixed UTF-8), readable even if the worker is killed. */
const NAMES_BYTES_PER_THREAD = 16 * 1024;

export function namesArenaBytes(threads: number): number {
  return threads * NAMES_BYTES_PER_THREAD;
}

/**
 * Shown for an op or primitive name that did not fit in its thread's names area: more than
 * NAMES_BYTES_PER_THREAD of distinct names in one batch (a new yieldPoint label in every trial).
 */
export const UNRECORDED_NAME = '(name not recorded: over 16 KiB of distinct names in this batch)';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads thread `t`'s interned strings from the names arena. */
export function readNames(names: SharedArrayBuffer, t: number): string[] {
  const bytes = new Uint8Array(names, t * NAMES_BYTES_PER_THREAD, NAMES_BYTES_PER_THREAD);
  const view = new DataView(names, t * NAMES_BYTES_PER_THREAD, NAMES_BYTES_PER_THREAD);
  const out: string[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    // Each entry's length is stored plus one: 0 ends the list, so an empty name is an entry too.
    const stored = view.getUint16(at, true);
    if (stored === 0) break;
    const len = stored - 1;
    out.push(decoder.decode(bytes.slice(at + 2, at + 2 + len)));
    at += 2 + len;
  }
  return out;
}

export class TraceWriter {
  readonly #f64: Float64Array;
  readonly #threads: number;
  readonly #events: number;
  readonly #thread: number;
  readonly #intern = new Map<string, number>();
  readonly table: string[] = [];
  readonly #names: Uint8Array;
  readonly #namesView: DataView;
  #namesAt = 0;
  #base = 0;
  #count = 0;
  readonly #stamp: number;

  /** `stamp`: this batch's, written into every region it begins (see HEADER_SLOTS); never 0. */
  constructor(arena: SharedArrayBuffer, names: SharedArrayBuffer, threads: number, eventsPerThread: number, thread: number, stamp: number) {
    this.#stamp = stamp;
    this.#f64 = new Float64Array(arena);
    this.#names = new Uint8Array(names, thread * NAMES_BYTES_PER_THREAD, NAMES_BYTES_PER_THREAD);
    this.#namesView = new DataView(names, thread * NAMES_BYTES_PER_THREAD, NAMES_BYTES_PER_THREAD);
    this.#names.fill(0);
    this.#threads = threads;
    this.#events = eventsPerThread;
    this.#thread = thread;
  }

  beginTrial(k: number): void {
    this.#base = (k * this.#threads + this.#thread) * regionSlots(this.#events);
    this.#count = 0;
    this.#f64[this.#base] = this.#stamp;
    this.#f64[this.#base + 1] = 0;
  }

  /**
   * Bounded: a ring of the trial's LAST `eventsPerThread` events (a hang's story is how it ended;
   * the header slot holds the total recorded, so a reader knows where the ring starts).
   */
  record(op: string, primitive: string): void {
    // Time first: interning a name seen for the first time costs far more than the event itself.
    const time = performance.timeOrigin + performance.now();
    const at = this.#base + HEADER_SLOTS + (this.#count % this.#events) * EVENT_SLOTS;
    this.#f64[at] = this.#id(op);
    this.#f64[at + 1] = this.#id(primitive);
    this.#f64[at + 2] = time;
    this.#count++;
    this.#f64[this.#base + 1] = this.#count;
  }

  #id(s: string): number {
    let id = this.#intern.get(s);
    if (id === undefined) {
      id = this.table.length;
      this.table.push(s);
      this.#intern.set(s, id);
      // Mirror into shared memory so the main thread can name events even after killing this worker.
      // Every id must get its entry, the empty name too (ids are positions in this list); once the
      // area is full, later names are lost and their events read as UNRECORDED_NAME.
      const encoded = encoder.encode(s).subarray(0, 200);
      if (this.#namesAt + 2 + encoded.length + 2 <= this.#names.length) {
        this.#names.set(encoded, this.#namesAt + 2);
        this.#namesView.setUint16(this.#namesAt, encoded.length + 1, true);
        this.#namesAt += 2 + encoded.length;
      }
    }
    return id;
  }
}

/** The events of trial `k` written by the batch with this `stamp`, every thread's, in time order. */
export function readTrace(
  arena: SharedArrayBuffer,
  threads: number,
  eventsPerThread: number,
  k: number,
  stamp: number,
  tables: string[][],
  threadNames: string[],
): TraceEvent[] {
  const f64 = new Float64Array(arena);
  const events: TraceEvent[] = [];
  for (let t = 0; t < threads; t++) {
    const base = (k * threads + t) * regionSlots(eventsPerThread);
    // Not begun by this batch: this thread never reached the trial.
    if (f64[base] !== stamp) continue;
    // Events recorded in all; the ring kept the last eventsPerThread of them.
    const total = f64[base + 1]!;
    const first = Math.max(0, total - eventsPerThread);
    const table = tables[t] ?? [];
    for (let i = first; i < total; i++) {
      const at = base + HEADER_SLOTS + (i % eventsPerThread) * EVENT_SLOTS;
      events.push({
        time: f64[at + 2]!,
        thread: t,
        threadName: threadNames[t] ?? `t${t}`,
        op: table[f64[at]!] ?? UNRECORDED_NAME,
        primitive: table[f64[at + 1]!] ?? UNRECORDED_NAME,
      });
    }
  }
  return events.sort((a, b) => a.time - b.time);
}

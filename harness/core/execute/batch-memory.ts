/**
 * The memory batches use, in two sets for alternate batches: batch j is graded (its states checked,
 * its traces read) while batch j+1 runs in the other set. Each set: a state arena with the setup
 * context that allocates from it, and a trace arena (events, sized for the largest batch, or for
 * the ring of in-worker trials, in-worker-ring.ts; and the names they intern). Each trial's trace
 * region is reset when it starts; a thread's names when its batch starts.
 */
import type { SetupContext, SuiteContext } from '../../suite-api.js';
import { StateArena, allocatorOf } from './state-arena.js';
import { namesArenaBytes, readNames, readTrace, traceArenaBytes } from './trace.js';
import type { InWorkerLayout } from './in-worker-layout.js';
import { boardBytes, clearBoard } from './worker/outcome-board.js';
import { IN_WORKER_RING } from './in-worker-ring.js';

const MAX_BATCH = 512;
/**
 * In-worker trials cost the main thread nothing per trial, so a batch's fixed costs (a task posted
 * to each worker, tinypool's reply and memory report) dominate short trials: their batches may be longer.
 */
const MAX_BATCH_IN_WORKERS = 65536;
/**
 * Primitive ids one in-worker batch reserves at most (idsPerTrial per trial, reservePrimitiveIds):
 * caps the batch of a suite that makes many primitives per trial, well inside the 2^28 a reservation
 * may take, so that a run of such a suite never asks for more.
 */
const MAX_IDS_PER_BATCH = 1 << 24;
/** Bytes of one trace arena at most: caps the batch size at high thread counts (two arenas per configuration). */
const TRACE_ARENA_BUDGET = 8 * 1024 * 1024;

/** Where a batch's threads record their trace events, and the strings those events name. */
export interface TraceArena {
  events: SharedArrayBuffer;
  names: SharedArrayBuffer;
  /** The stamp of the batch using it now (trace.ts HEADER_SLOTS): a new one each time the set is handed out. */
  stamp: number;
}

/** One set of batch memory. */
export interface MemorySet {
  arena: StateArena;
  setupCtx: SetupContext;
  trace: TraceArena;
  /**
   * In-worker trials: the trial slots and outcome board of this set's batches (IN_WORKER_RING of
   * each, reused round robin within a batch), zero before each batch.
   * `used`: slots the last batch may have left written; 0 once thread 0 zeroed each slot it graded
   * (a batch that graded every trial), so that next() has nothing to clear.
   */
  inWorker?: { slots: SharedArrayBuffer; board: SharedArrayBuffer; used: number };
}

export class BatchMemory {
  /** Most trials one batch may hold: what a trace arena has room for. */
  readonly maxBatch: number;
  readonly #sets: MemorySet[];
  readonly #threadNames: string[];
  readonly #traceEvents: number;
  #handedOut = 0;

  readonly #stride: number;

  constructor(ctx: SuiteContext, threadNames: string[], traceEvents: number, inWorker?: InWorkerLayout) {
    this.#threadNames = threadNames;
    this.#traceEvents = traceEvents;
    this.#stride = inWorker?.stride ?? 0;
    // In-worker trials keep memory for IN_WORKER_RING trials whatever the batch's length (in-worker-ring.ts).
    this.maxBatch = inWorker !== undefined ? Math.max(1, Math.min(MAX_BATCH_IN_WORKERS, Math.floor(MAX_IDS_PER_BATCH / inWorker.idsPerTrial))) : Math.max(1, Math.min(MAX_BATCH, Math.floor(TRACE_ARENA_BUDGET / traceArenaBytes(1, ctx.threads, traceEvents))));
    const regions = inWorker !== undefined ? IN_WORKER_RING : this.maxBatch;
    this.#sets = [0, 1].map(() => {
      const arena = new StateArena();
      const trace: TraceArena = {
        events: new SharedArrayBuffer(traceArenaBytes(regions, ctx.threads, traceEvents)),
        names: new SharedArrayBuffer(namesArenaBytes(ctx.threads)),
        stamp: 0,
      };
      const set: MemorySet = { arena, setupCtx: { ...ctx, trial: 0, ...allocatorOf(arena) }, trace };
      if (inWorker !== undefined) {
        set.inWorker = { slots: new SharedArrayBuffer(IN_WORKER_RING * inWorker.stride), board: new SharedArrayBuffer(boardBytes(IN_WORKER_RING, ctx.threads)), used: 0 };
      }
      return set;
    });
  }

  /** The set for the next batch. Its last batch (two back) is graded and its workers are done with it: its memory is handed out again. */
  next(): MemorySet {
    const set = this.#sets[this.#handedOut++ % 2]!;
    set.arena.recycle();
    // Never 0 (a fresh arena's headers), never an earlier batch's.
    set.trace.stamp = this.#handedOut;
    const w = set.inWorker;
    if (w !== undefined && w.used > 0) {
      // Setup in the workers writes initial values onto zeroed memory, as ctx.alloc promises; the
      // board's tags say "no outcome" until each thread writes its own.
      new Uint8Array(w.slots, 0, w.used * this.#stride).fill(0);
      clearBoard(w.board, w.used, this.#threadNames.length);
      w.used = 0;
    }
    return set;
  }

  /** After a hang or crash a worker may still be writing: every chunk is dropped instead of reused. */
  abandon(): void {
    for (const set of this.#sets) {
      set.arena.abandon();
      if (set.inWorker !== undefined) set.inWorker = { slots: new SharedArrayBuffer(set.inWorker.slots.byteLength), board: new SharedArrayBuffer(set.inWorker.board.byteLength), used: 0 };
    }
  }

  /** The trace of trial `i` of the batch that recorded into `trace` with `stamp`. */
  traceOf(trace: TraceArena, stamp: number, i: number): ReturnType<typeof readTrace> {
    const tables = this.#threadNames.map((_, t) => readNames(trace.names, t));
    return readTrace(trace.events, this.#threadNames.length, this.#traceEvents, i, stamp, tables, this.#threadNames);
  }
}

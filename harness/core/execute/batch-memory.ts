/**
 * The memory batches use, in two sets for alternate batches: batch j is graded (its states checked,
 * its traces read) while batch j+1 runs in the other set. Each set: a state arena with the setup
 * context that allocates from it, and a trace arena (events, sized for the largest batch, and the
 * names they intern). Each trial's trace region is reset when it starts; a thread's names when its
 * batch starts.
 */
import type { SetupContext, SuiteContext } from '../../suite-api.js';
import { StateArena, allocatorOf } from './state-arena.js';
import { namesArenaBytes, readNames, readTrace, traceArenaBytes } from './trace.js';

const MAX_BATCH = 512;
/** Bytes of one trace arena at most: caps the batch size at high thread counts (two arenas per configuration). */
const TRACE_ARENA_BUDGET = 8 * 1024 * 1024;

/** Where a batch's threads record their trace events, and the strings those events name. */
export interface TraceArena {
  events: SharedArrayBuffer;
  names: SharedArrayBuffer;
}

/** One set of batch memory. */
export interface MemorySet {
  arena: StateArena;
  setupCtx: SetupContext;
  trace: TraceArena;
}

export class BatchMemory {
  /** Most trials one batch may hold: what a trace arena has room for. */
  readonly maxBatch: number;
  readonly #sets: MemorySet[];
  readonly #threadNames: string[];
  readonly #traceEvents: number;
  #handedOut = 0;

  constructor(ctx: SuiteContext, threadNames: string[], traceEvents: number) {
    this.#threadNames = threadNames;
    this.#traceEvents = traceEvents;
    this.maxBatch = Math.max(1, Math.min(MAX_BATCH, Math.floor(TRACE_ARENA_BUDGET / traceArenaBytes(1, ctx.threads, traceEvents))));
    this.#sets = [0, 1].map(() => {
      const arena = new StateArena();
      const trace: TraceArena = {
        events: new SharedArrayBuffer(traceArenaBytes(this.maxBatch, ctx.threads, traceEvents)),
        names: new SharedArrayBuffer(namesArenaBytes(ctx.threads)),
      };
      return { arena, setupCtx: { ...ctx, trial: 0, ...allocatorOf(arena) }, trace };
    });
  }

  /** The set for the next batch. Its last batch (two back) is graded and its workers are done with it: its memory is handed out again. */
  next(): MemorySet {
    const set = this.#sets[this.#handedOut++ % 2]!;
    set.arena.recycle();
    return set;
  }

  /** After a hang or crash a worker may still be writing: every chunk is dropped instead of reused. */
  abandon(): void {
    for (const set of this.#sets) set.arena.abandon();
  }

  /** The trace of trial `i` of the batch that recorded into `trace`. */
  traceOf(trace: TraceArena, i: number): ReturnType<typeof readTrace> {
    const tables = this.#threadNames.map((_, t) => readNames(trace.names, t));
    return readTrace(trace.events, this.#threadNames.length, this.#traceEvents, i, tables, this.#threadNames);
  }
}

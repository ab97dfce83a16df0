/**
 * In-worker trials, the main thread's side. A suite that declares `trialsInWorkers` has its setup
 * run by every worker of the trial over the same slot of a shared buffer (each thread builds its
 * own view of one state; setup only writes fixed initial values, so the writes agree), and its
 * invariants graded by thread 0 (worker/in-worker-trials.ts). The main thread sends each batch a
 * slot buffer and a block of primitive ids, and gets back counts and failure samples: no state is
 * built, cloned or graded here per trial.
 *
 * What the main thread must know first is the slot size and the primitive ids one trial takes:
 * measured by running setup for the first MEASURED_TRIALS trials here (which also checks that
 * setup works before any worker runs it).
 */
import { countPrimitiveIds, withPrimitiveIds } from '@shakedown/primitives';
import type { Configuration } from '../grade/results.js';
import type { AnySuite } from '../plan/load-suite.js';
import type { SetupContext, SuiteContext } from '../../suite-api.js';
import type { ExecuteOptions } from './execute-options.js';
import { SlotAllocator, alignedSize, allocatorOf } from './state-arena.js';
import { SuiteCodeError, checkedState, suiteHook } from './suite-code.js';

/** Trials whose setup is measured: a suite may vary its workload by trial (conformance/queue by parity). */
const MEASURED_TRIALS = 4;

export interface InWorkerLayout {
  /** Bytes of one trial's slot. */
  stride: number;
  /** Primitive ids one trial's setup takes. */
  idsPerTrial: number;
}

/**
 * Whether this configuration's trials are set up and graded in its workers: the suite allows it,
 * and the run is plain free-running stress (a controlled trial, a replay and a rerun keep every
 * state on the main thread, where they are named and shown).
 */
export function runsInWorkers(suite: AnySuite, config: Configuration, options: ExecuteOptions): boolean {
  return (
    suite.trialsInWorkers === true &&
    config.schedule === undefined &&
    options.fixedSeedTrial === undefined &&
    options.scheduleSpec === undefined &&
    options.scheduleLogTrial === undefined
  );
}

/**
 * The slot size and ids of one trial: the most any of the first trials' setups took. Throws
 * SuiteCodeError if setup does, or breaks what running it in every thread needs (checkContract).
 */
export function measureLayout(suite: AnySuite, ctx: SuiteContext, firstTrial: number): InWorkerLayout {
  let stride = 0;
  let idsPerTrial = 0;
  for (let i = 0; i < MEASURED_TRIALS; i++) {
    const trial = firstTrial + i;
    let bytes = 0;
    const fresh = allocatorOf(null);
    const handedOut = new Set<SharedArrayBuffer>();
    const alloc: SetupContext['alloc'] = (n) => {
      const at = fresh.alloc(n);
      handedOut.add(at.buffer);
      bytes += alignedSize(n);
      return at;
    };
    const int32 = (length: number): Int32Array => {
      const at = alloc(4 * length);
      return new Int32Array(at.buffer, at.byteOffset, length);
    };
    const setupCtx: SetupContext = { ...ctx, trial, alloc, int32 };
    let state: unknown;
    const ids = countPrimitiveIds(() => (state = suiteHook('setup', trial, () => checkedState(suite.setup(setupCtx)))));
    const foreign = foreignBuffer(state, handedOut);
    if (foreign !== undefined) {
      throw new SuiteCodeError('setup', trial, new Error(`${foreign} is shared memory setup made itself: a suite with trialsInWorkers must take all of it from ctx.alloc / ctx.int32 (every thread runs setup, so a buffer of its own would not be shared; a primitive needs at: ctx.alloc(X.byteLength))`));
    }
    stride = Math.max(stride, bytes);
    idsPerTrial = Math.max(idsPerTrial, ids);
  }
  const layout = { stride: alignedSize(stride), idsPerTrial: Math.max(1, idsPerTrial) };
  checkContract(suite, ctx, layout, firstTrial);
  return layout;
}

/** Where in `state` a SharedArrayBuffer not handed out by ctx.alloc is (`state.inside`), if anywhere. */
function foreignBuffer(state: unknown, handedOut: ReadonlySet<SharedArrayBuffer>): string | undefined {
  const seen = new Set<object>();
  const walk = (v: unknown, path: string, depth: number): string | undefined => {
    if (typeof v !== 'object' || v === null || seen.has(v) || depth > 8) return undefined;
    seen.add(v);
    if (v instanceof SharedArrayBuffer) return handedOut.has(v) ? undefined : path;
    if (ArrayBuffer.isView(v)) return v.buffer instanceof SharedArrayBuffer && !handedOut.has(v.buffer) ? `${path} (its buffer)` : undefined;
    for (const key of Object.keys(v)) {
      const found = walk((v as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(state, 'state', 0);
}

/**
 * Every thread runs setup for the same trial over the same slot, so setup must give the same
 * state and write the same bytes each time, whatever the memory held before: run here twice over
 * one zeroed slot and once over a second, the runs must agree. A setup that reads or adds to its
 * memory (Atomics.add), or draws random numbers, would otherwise give each thread its own state.
 */
function checkContract(suite: AnySuite, ctx: SuiteContext, layout: InWorkerLayout, trial: number): void {
  const once = (buffer: SharedArrayBuffer): { shape: string; bytes: Uint8Array } => {
    const slots = new SlotAllocator(buffer, layout.stride);
    slots.moveTo(0, trial);
    const state = withPrimitiveIds(0, layout.idsPerTrial, (): unknown => suite.setup({ ...ctx, trial, alloc: slots.alloc, int32: slots.int32 }));
    return { shape: shapeOf(state), bytes: new Uint8Array(buffer).slice() };
  };
  const refuse = (what: string): never => {
    throw new SuiteCodeError('setup', trial, new Error(`${what}; a suite with trialsInWorkers must build the same state every time for a trial, writing only fixed initial values (every thread runs setup over the same memory)`));
  };
  const a = new SharedArrayBuffer(layout.stride);
  const first = suiteHook('setup', trial, () => once(a));
  const again = suiteHook('setup', trial, () => once(a));
  const elsewhere = suiteHook('setup', trial, () => once(new SharedArrayBuffer(layout.stride)));
  if (!sameBytes(first.bytes, again.bytes)) refuse(`setup of trial ${trial} wrote other bytes when run again over its own result (does it read or add to its memory?)`);
  if (!sameBytes(first.bytes, elsewhere.bytes)) refuse(`setup of trial ${trial} wrote other bytes in two runs (random numbers, the clock?)`);
  if (first.shape !== elsewhere.shape) refuse(`setup of trial ${trial} built two different states in two runs (random numbers, the clock, a counter?)`);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A state's structure and plain values, with its shared memory as offsets and lengths (its buffers differ from run to run). */
function shapeOf(state: unknown): string {
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'function') return 'function';
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v) || depth > 8) return '(seen)';
    seen.add(v);
    if (v instanceof SharedArrayBuffer) return `SharedArrayBuffer(${v.byteLength})`;
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(@${v.byteOffset}, ${v.byteLength} bytes)`;
    return Object.fromEntries(Object.keys(v).map((k) => [k, walk((v as Record<string, unknown>)[k], depth + 1)]));
  };
  return JSON.stringify(walk(state, 0));
}

/**
 * A state with the structure trial `trial` had in batch slot `slot`, over scratch memory at the
 * same offsets: what a hang report names the words of a sleeping thread from (sleep-records.ts),
 * since the workers' own views died with them. Undefined if setup throws here.
 */
export function scratchState(suite: AnySuite, ctx: SuiteContext, layout: InWorkerLayout, slot: number, trial: number): unknown {
  const buffer = new SharedArrayBuffer((slot + 1) * layout.stride);
  try {
    const slots = new SlotAllocator(buffer, layout.stride);
    slots.moveTo(slot, trial);
    return withPrimitiveIds(0, layout.idsPerTrial, (): unknown => suite.setup({ ...ctx, trial, alloc: slots.alloc, int32: slots.int32 }));
  } catch {
    return undefined;
  }
}

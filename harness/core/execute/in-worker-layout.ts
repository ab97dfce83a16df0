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
import { checkedState, suiteHook } from './suite-code.js';

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

/** The slot size and ids of one trial: the most any of the first trials' setups took. Throws SuiteCodeError if setup does. */
export function measureLayout(suite: AnySuite, ctx: SuiteContext, firstTrial: number): InWorkerLayout {
  let stride = 0;
  let idsPerTrial = 0;
  for (let i = 0; i < MEASURED_TRIALS; i++) {
    const trial = firstTrial + i;
    let bytes = 0;
    const fresh = allocatorOf(null);
    const alloc: SetupContext['alloc'] = (n) => {
      const at = fresh.alloc(n);
      bytes += alignedSize(n);
      return at;
    };
    const int32 = (length: number): Int32Array => {
      const at = alloc(4 * length);
      return new Int32Array(at.buffer, at.byteOffset, length);
    };
    const setupCtx: SetupContext = { ...ctx, trial, alloc, int32 };
    const ids = countPrimitiveIds(() => suiteHook('setup', trial, () => checkedState(suite.setup(setupCtx))));
    stride = Math.max(stride, bytes);
    idsPerTrial = Math.max(idsPerTrial, ids);
  }
  return { stride: alignedSize(stride), idsPerTrial: Math.max(1, idsPerTrial) };
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

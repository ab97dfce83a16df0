/**
 * barrier-start: threads start together at a Barrier, generation after
 * generation. No thread may pass before all have arrived; the action runs
 * once per generation. Canary "early-release": a barrier that lets everyone go
 * when the second-to-last thread arrives.
 */
import { Barrier } from '@shakedown/primitives';
import { defineSuite } from '../harness/suite-api.js';
import { EARLY_BARRIER_BYTES, type EarlyBarrierHandle, createEarlyBarrier, earlyBarrierWait } from './lib/early-barrier.js';

type P = { generations: number };

interface State {
  barrier: Barrier | null;
  early: EarlyBarrierHandle | null;
  /** arrived[g]: threads that reached generation g's barrier. */
  arrived: Int32Array;
  /** actions[g]: times the action ran for generation g. */
  actions: Int32Array;
  /** Passes seen with arrived[g] < threads: a thread left before all had arrived. */
  earlyPasses: Int32Array;
}

export default defineSuite<State, P, null>({
  name: 'barrier-start',
  description: 'threads start together at a Barrier across generations; nobody passes before all have arrived',
  params: { generations: 3 },
  threads: [2, 4],
  variants: {
    barrier: { description: 'the shakedown Barrier' },
    'early-release': {
      description: 'a barrier that releases one arrival early',
      canary: true,
      bug: 'off-by-one release: waiters leave when parties - 1 threads have arrived',
    },
  },
  // Setup only places zeroed words and barriers; the invariants read the words: the workers can do both.
  trialsInWorkers: true,
  setup(ctx) {
    const g = ctx.params.generations;
    const words = ctx.int32(2 * g + 1);
    return {
      barrier: ctx.variant === 'barrier' ? new Barrier(ctx.threads, { name: 'start', at: ctx.alloc(Barrier.byteLength) }) : null,
      early: ctx.variant === 'early-release' ? createEarlyBarrier(ctx.threads, ctx.alloc(EARLY_BARRIER_BYTES)) : null,
      arrived: words.subarray(0, g),
      actions: words.subarray(g, 2 * g),
      earlyPasses: words.subarray(2 * g, 2 * g + 1),
    };
  },
  actor(s, ctx) {
    const bounded = Math.max(1, ctx.timeoutMs / 2);
    let generation = 0;
    const action = (): void => {
      Atomics.add(s.actions, generation, 1);
    };
    const barrier = s.barrier === null ? null : Barrier.from(s.barrier, { action });
    for (generation = 0; generation < ctx.params.generations; generation++) {
      Atomics.add(s.arrived, generation, 1);
      if (barrier !== null) barrier.wait(bounded);
      else earlyBarrierWait(s.early!, generation, action, bounded);
      // Everyone must have arrived at this generation before anyone gets here.
      if (Atomics.load(s.arrived, generation) < ctx.threads) Atomics.add(s.earlyPasses, 0, 1);
    }
    return null;
  },
  invariants: {
    'no thread passes before all have arrived': (s) => ({ ok: s.earlyPasses[0] === 0, expected: 0, observed: s.earlyPasses[0], details: 'early passes' }),
    'one action per generation': (s) => {
      const counts = Array.from(s.actions);
      return { ok: counts.every((c) => c === 1), expected: counts.map(() => 1), observed: counts };
    },
  },
  actorErrorsAreFailures: false,
});

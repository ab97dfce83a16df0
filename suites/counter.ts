/**
 * counter: every thread increments a shared counter; no update may be lost.
 * Canary "unlocked": a plain read-modify-write with no lock, the classic lost
 * update (two threads read the same value, both write value + 1).
 */
import { Lock, yieldPoint } from '@shakedown/primitives';
import { defineSuite } from '../harness/suite-api.js';

interface State {
  /** counter[0] is the shared count. */
  counter: Int32Array;
  lock: Lock;
}

type P = { increments: number };

export default defineSuite<State, P, null>({
  name: 'counter',
  description: 'threads increment a shared counter; invariant: no lost update',
  params: { increments: 1 },
  threads: [2, 4],
  variants: {
    locked: { description: 'read-modify-write under a Lock' },
    atomic: { description: 'Atomics.add, no lock' },
    unlocked: {
      description: 'plain read-modify-write, no lock',
      canary: true,
      bug: 'lost update: two threads read the same value and both write value + 1',
    },
  },
  // Setup only places a zeroed counter and lock; the invariant reads the counter: the workers can do both (several times the trials per second).
  trialsInWorkers: true,
  setup(ctx) {
    // Each allocation has its own cache line: the counter, then the lock.
    return { counter: ctx.int32(1), lock: new Lock({ name: 'counter.lock', at: ctx.alloc(Lock.byteLength) }) };
  },
  actor(state, ctx) {
    const c = state.counter;
    if (ctx.variant === 'atomic') {
      for (let i = 0; i < ctx.params.increments; i++) Atomics.add(c, 0, 1);
    } else if (ctx.variant === 'locked') {
      const lock = Lock.from(state.lock);
      for (let i = 0; i < ctx.params.increments; i++) {
        lock.acquire();
        const v = c[0]!;
        yieldPoint('user', 'counter.read');
        c[0] = v + 1;
        lock.release();
      }
    } else {
      for (let i = 0; i < ctx.params.increments; i++) {
        const v = c[0]!;
        // The race window: another thread may read the same v before this write.
        yieldPoint('user', 'counter.read');
        c[0] = v + 1;
      }
    }
    return null;
  },
  invariants: {
    'no lost update': (state, _results, ctx) => {
      const expected = ctx.threads * ctx.params.increments;
      const observed = Atomics.load(state.counter, 0);
      return { ok: observed === expected, expected, observed };
    },
  },
  outcome: (state, _results, ctx) => {
    const expected = ctx.threads * ctx.params.increments;
    const observed = Atomics.load(state.counter, 0);
    return observed === expected ? 'all updates kept' : `lost ${expected - observed} of ${expected}`;
  },
  grading: { 'all updates kept': { grade: 'acceptable', description: 'every increment survived' } },
  otherwise: { grade: 'forbidden', description: 'an increment was lost: two threads read the same value' },
});

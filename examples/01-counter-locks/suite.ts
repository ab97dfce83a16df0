/**
 * The counter as a stress suite: each thread adds 1 to a shared counter.
 * "unlocked" is the classic lost update (a canary: a planted bug the run must
 * catch); "locked" is the fix.
 */
import { defineSuite } from 'shakedown';
import { Lock, yieldPoint } from '@shakedown/primitives';

interface State {
  counter: Int32Array;
  lock: Lock;
}

export default defineSuite<State>({
  name: 'example-counter',
  description: 'threads add 1 to a shared counter',
  threads: [2, 4],
  variants: {
    locked: { description: 'read-modify-write under a Lock' },
    unlocked: { description: 'plain read-modify-write', canary: true, bug: 'lost update: two threads read the same value' },
  },
  setup: () => ({ counter: new Int32Array(new SharedArrayBuffer(4)), lock: new Lock({ name: 'counter' }) }),
  actor(state, ctx) {
    const add = (): void => {
      const v = state.counter[0]!;
      yieldPoint('user', 'counter read'); // lets the harness's jitter widen the window here
      state.counter[0] = v + 1;
    };
    if (ctx.variant === 'locked') Lock.from(state.lock).withLock(add);
    else add();
    return null;
  },
  invariants: {
    'no lost update': (state, _results, ctx) => ({ ok: state.counter[0] === ctx.threads, expected: ctx.threads, observed: state.counter[0] }),
  },
});

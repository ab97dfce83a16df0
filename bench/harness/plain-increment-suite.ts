/**
 * The actor body every throughput baseline runs: two threads, one plain
 * (non-atomic) increment each of a shared counter. The same body in the
 * harness and in the hand-written loops, so the comparison is of the machinery.
 */
import { defineSuite } from 'shakedown';

export default defineSuite<{ counter: Int32Array }>({
  name: 'plain-increment',
  description: 'one plain increment per thread',
  threads: [2],
  variants: {
    default: { description: 'state from the harness arena (ctx.int32)' },
    'fresh-buffer': { description: 'a new SharedArrayBuffer per trial, as before the arena' },
  },
  setup: (ctx) => ({ counter: ctx.variant === 'fresh-buffer' ? new Int32Array(new SharedArrayBuffer(4)) : ctx.int32(1) }),
  actor(state) {
    const c = state.counter;
    c[0] = c[0]! + 1;
    return null;
  },
  invariants: { 'no lost update': (s, _r, ctx) => s.counter[0] === ctx.threads },
});

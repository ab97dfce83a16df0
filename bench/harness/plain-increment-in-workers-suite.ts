/**
 * The plain-increment suite (plain-increment-suite.ts) with `trialsInWorkers`: the same actor
 * body, set up and graded inside the workers. Also run at one thread by the --jobs section, where
 * two such groups fit side by side on two cores.
 */
import { defineSuite } from 'shakedown';

export default defineSuite<{ counter: Int32Array }>({
  name: 'plain-increment-in-workers',
  description: 'one plain increment per thread, trials set up and graded in the workers',
  threads: [2],
  trialsInWorkers: true,
  setup: (ctx) => ({ counter: ctx.int32(1) }),
  actor(state) {
    const c = state.counter;
    c[0] = c[0]! + 1;
    return null;
  },
  invariants: { 'no lost update': (s, _r, ctx) => s.counter[0] === ctx.threads },
});

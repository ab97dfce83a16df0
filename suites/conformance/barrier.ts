/**
 * conformance/barrier: any barrier meeting the contract, with parties =
 * threads, reused for `generations` generations (reuse is where counting
 * bugs live), then, if the module has abort(), a broken-propagation phase:
 * thread 0 aborts while the others wait; every waiter must throw promptly.
 * A module that declares `timeouts: false` gets wait() with no timeout: a
 * lost arrival, or an abort that wakes nobody, is then a hang.
 */
import { defineSuite } from '../../harness/suite-api.js';
import type { BarrierImpl } from '../../harness/contract/types.js';
import { attached, galleryVariant, hasTimeouts, implOf, op, ourImpl, prepareImpl, timedCall } from './lib/impl.js';
import { errorsOf, spin, patienceMs } from './lib/coord.js';

type P = { impl: string; generations: number };
interface State {
  handle: unknown;
  /** arrived[g]: threads that reached generation g. */
  arrived: Int32Array;
  /** passed[g]: threads that left generation g normally. */
  passed: Int32Array;
  /** [early passes, waits that threw in the generations, abort: passed normally, abort: threw only at its own timeout]. */
  bad: Int32Array;
}
const EARLY = 0;
const THREW = 1;
const ABORT_PASSED = 2;
const ABORT_SLOW = 3;

export default defineSuite<State, P, null>({
  name: 'conformance/barrier',
  description: 'no early release, every thread passes every generation, broken propagation after abort()',
  implKind: 'barrier',
  params: { impl: ourImpl('barrier'), generations: 6 },
  threads: [2, 4],
  variants: {
    'shakedown-barrier': { description: '@shakedown/primitives Barrier' },
    ...galleryVariant('reset-on-leave-barrier', 'counts wrong on reuse: the last thread to leave resets the count, erasing a fast thread\'s arrival at the next generation'),
  },
  prepare: prepareImpl,
  setup(ctx) {
    const g = ctx.params.generations;
    const words = new Int32Array(new SharedArrayBuffer(4 * (2 * g + 4)));
    return { handle: implOf(ctx).create({ parties: ctx.threads }), arrived: words.subarray(0, g), passed: words.subarray(g, 2 * g), bad: words.subarray(2 * g) };
  },
  actor(s, ctx) {
    const barrier = attached<BarrierImpl>(ctx, s.handle);
    // Bounded so that a lost arrival throws here instead of hanging (unless the module has no
    // timeouts: then it hangs, and the watchdog reports it).
    const timed = hasTimeouts(ctx);
    const bounded = patienceMs(ctx);
    const wait = (when = ''): unknown => (timed ? op(timedCall(ctx, `wait(t)${when}`), () => barrier.wait(bounded)) : op(`wait()${when}`, () => barrier.wait()));
    for (let g = 0; g < ctx.params.generations; g++) {
      Atomics.add(s.arrived, g, 1);
      try {
        wait();
      } catch {
        Atomics.add(s.bad, THREW, 1);
        return null;
      }
      // Everyone must have arrived at generation g before anyone passes it.
      if (Atomics.load(s.arrived, g) < ctx.threads) Atomics.add(s.bad, EARLY, 1);
      Atomics.add(s.passed, g, 1);
    }
    if (barrier.abort === undefined) return null;
    if (ctx.thread === 0) {
      // Let the others get into wait() first (most of the time), then break the barrier.
      spin(100);
      op('abort()', () => barrier.abort!());
    }
    const t0 = performance.now();
    try {
      wait(' after abort');
      Atomics.add(s.bad, ABORT_PASSED, 1);
    } catch {
      // Threw, as it must; but only because of its own timeout means the abort never reached it.
      if (timed && performance.now() - t0 > bounded * 0.95) Atomics.add(s.bad, ABORT_SLOW, 1);
    }
    return null;
  },
  invariants: {
    'no early release': (s) => ({ ok: s.bad[EARLY] === 0, expected: 0, observed: s.bad[EARLY], details: 'passes before all parties arrived' }),
    'every thread passes every generation': (s, _r, ctx) => {
      const passed = Array.from(s.passed);
      return { ok: passed.every((p) => p === ctx.threads) && s.bad[THREW] === 0, expected: passed.map(() => ctx.threads), observed: passed, details: `${s.bad[THREW]} waits threw (timed out: an arrival was lost)` };
    },
    'broken propagation (abort)': (s) => {
      const bad = { passedAfterAbort: s.bad[ABORT_PASSED], notWokenByAbort: s.bad[ABORT_SLOW] };
      return { ok: bad.passedAfterAbort === 0 && bad.notWokenByAbort === 0, expected: 'all 0', observed: bad };
    },
    'no unexpected error': (_s, r) => {
      const errs = errorsOf(r);
      return errs.length === 0 ? true : errs.join('; ');
    },
  },
  actorErrorsAreFailures: true,
});

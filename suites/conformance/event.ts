/**
 * conformance/event: thread 0 sets the event while the others wait (some
 * with no timeout, so a lost set hangs; some with a bounded timeout, which
 * must return true); waiters arrive before, during and after the set. Then
 * thread 0 clears it and sets it again for a second round (reuse).
 * A module that declares `timeouts: false` gets wait() with no timeout only,
 * and "clear resets the event" checks isSet() alone (not wait(0)).
 */
import { defineSuite } from '../../harness/suite-api.js';
import type { EventImpl } from '../../harness/contract/types.js';
import { attached, hasTimeouts, implOf, op, ourImpl, prepareImpl, timedCall } from './lib/impl.js';
import { awaitAtLeast, board, errorsOf, signal, spin, patienceMs } from './lib/coord.js';

/** Per round r (0, 1): waiters done in round r at DONE + r. */
const DONE = 0;
/** Waits that returned false (timed out) although the event was set within the round. */
const LOST = 2;
/** wait() returned true but isSet() was false right after, before any clear. */
const NOT_SET_AFTER = 3;
/** Round r released by thread 0 at ROUND + r (waiters meet here before waiting again). */
const ROUND = 4;
/** Phase waits that ran out. */
const MISSED = 6;
/** isSet() true after clear(), or wait(0) true after clear(). */
const CLEAR_BAD = 7;
const SLOTS = 8;

type P = { impl: string };
interface State {
  handle: unknown;
  board: Int32Array;
}

export default defineSuite<State, P, null>({
  name: 'conformance/event',
  description: 'no lost set/wait, set is visible to every waiter, clear and reuse',
  implKind: 'event',
  params: { impl: ourImpl('event') },
  threads: [2, 4],
  variants: { 'shakedown-event': { description: '@shakedown/primitives Event' } },
  prepare: prepareImpl,
  setup: (ctx) => ({ handle: implOf(ctx).create({}), board: board(SLOTS) }),
  actor(s, ctx) {
    const ev = attached<EventImpl>(ctx, s.handle);
    const b = s.board;
    const waiters = ctx.threads - 1;
    const bounded = patienceMs(ctx);
    const timed = hasTimeouts(ctx);
    for (let round = 0; round < 2; round++) {
      if (ctx.thread === 0) {
        // Set while the waiters are arriving: some are asleep, some are about to wait.
        spin(round === 0 ? 5 : 50);
        op('set()', () => ev.set());
        if (!awaitAtLeast(b, DONE + round, waiters, bounded)) Atomics.add(b, MISSED, 1);
        op('clear()', () => ev.clear());
        if (op('isSet() after clear()', () => ev.isSet()) || (timed && op(timedCall(ctx, 'wait(0) after clear()'), () => ev.wait(0)))) Atomics.add(b, CLEAR_BAD, 1);
        signal(b, ROUND + round);
        continue;
      }
      if (round > 0 && !awaitAtLeast(b, ROUND + round - 1, 1, bounded)) Atomics.add(b, MISSED, 1);
      // Odd threads block with no timeout (a lost set is a hang); even ones use a bounded timeout.
      const ok = ctx.thread % 2 === 1 || !timed ? op('wait()', () => ev.wait()) : op(timedCall(ctx, 'wait(t)'), () => ev.wait(bounded));
      if (!ok) Atomics.add(b, LOST, 1);
      // Thread 0 clears only after every waiter has signalled DONE (this one has not yet), so it must still be set.
      else if (!op('isSet()', () => ev.isSet())) Atomics.add(b, NOT_SET_AFTER, 1);
      signal(b, DONE + round);
    }
    return null;
  },
  invariants: {
    'no lost set/wait': (s) => ({ ok: s.board[LOST] === 0 && s.board[MISSED] === 0, expected: 'all 0', observed: { lostWaits: s.board[LOST], missedRounds: s.board[MISSED] } }),
    'isSet after a successful wait': (s) => ({ ok: s.board[NOT_SET_AFTER] === 0, expected: 0, observed: s.board[NOT_SET_AFTER] }),
    'clear resets the event': (s) => ({ ok: s.board[CLEAR_BAD] === 0, expected: 0, observed: s.board[CLEAR_BAD] }),
    'no unexpected error': (_s, r) => {
      const errs = errorsOf(r);
      return errs.length === 0 ? true : errs.join('; ');
    },
  },
  actorErrorsAreFailures: true,
});

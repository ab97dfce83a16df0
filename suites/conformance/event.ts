/**
 * conformance/event: thread 0 sets the event while the others wait (some
 * with no timeout, so a lost set hangs; some with a bounded timeout, which
 * must return true); waiters arrive before, during and after the set. Then
 * thread 0 clears it and sets it again for a second round (reuse).
 * Then the pulse (CPython's promise): once thread 1 sleeps in wait(t)
 * (ctx.isSleeping), thread 0 calls set() and at once clear(); a waiter asleep
 * at the set must return true. One waiter only: with several, one asleep on
 * the event's internal lock (CPython's Event takes its Condition's lock before
 * it waits) looks the same as one asleep in the wait, and may rightly miss the
 * pulse. A false counts only if the set ended within the first half of the
 * waiter's timeout (ctx.now(), a clock the threads share): a wait that had run
 * out before the set was not waiting "at that moment", whatever the load.
 * A module that declares `timeouts: false` gets wait() with no timeout only,
 * "clear resets the event" checks isSet() alone (not wait(0)), and the pulse
 * is not checked (a waiter that misses it would sleep forever).
 */
import { yieldPoint } from '@shakedown/primitives';
import { defineSuite, type ActorContext } from '../../harness/suite-api.js';
import type { EventImpl } from '../../harness/contract/types.js';
import { attached, galleryVariant, hasTimeouts, implOf, op, ourImpl, prepareImpl, timedCall } from './lib/impl.js';
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
/** Pulse: waiters that returned false although the set ended within the first half of their timeout. */
const PULSE_MISSED = 8;
/** Pulse: rounds where the waiter was asleep before the set (the check was made). */
const PULSE_CHECKED = 9;
/** Pulse: the waiter is ready for the pulse round (after round 1). */
const PULSE_READY = 10;
const SLOTS = 12;
/** The waiters' timeout in the pulse round: an event that misses the pulse costs this per trial (under the 1 s trial timeout). */
const PULSE_MS = 60;

type P = { impl: string };
interface State {
  handle: unknown;
  board: Int32Array;
  /** [0]: when the pulse's set() returned (ctx.now()), 0 before. */
  times: Float64Array;
}

export default defineSuite<State, P, null>({
  name: 'conformance/event',
  description: 'no lost set/wait, set is visible to every waiter, clear and reuse',
  implKind: 'event',
  params: { impl: ourImpl('event') },
  threads: [2, 4],
  variants: {
    'shakedown-event': { description: '@shakedown/primitives Event' },
    ...galleryVariant('flag-only-event', 'waiters sleep on the flag itself: woken by set(), a waiter that runs after clear() sleeps on and returns false'),
  },
  prepare: prepareImpl,
  setup: (ctx) => ({ handle: implOf(ctx).create({}), board: board(SLOTS), times: new Float64Array(new SharedArrayBuffer(8)) }),
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
    if (timed) pulse(ev, s, ctx, bounded);
    return null;
  },
  invariants: {
    'no lost set/wait': (s) => ({ ok: s.board[LOST] === 0 && s.board[MISSED] === 0, expected: 'all 0', observed: { lostWaits: s.board[LOST], missedRounds: s.board[MISSED] } }),
    'isSet after a successful wait': (s) => ({ ok: s.board[NOT_SET_AFTER] === 0, expected: 0, observed: s.board[NOT_SET_AFTER] }),
    'set releases every waiter asleep at that moment, even if clear follows (pulse)': (s) => ({ ok: s.board[PULSE_MISSED] === 0, expected: 0, observed: { waitersThatMissedThePulse: s.board[PULSE_MISSED], checkedRounds: s.board[PULSE_CHECKED] } }),
    'clear resets the event': (s) => ({ ok: s.board[CLEAR_BAD] === 0, expected: 0, observed: s.board[CLEAR_BAD] }),
    'no unexpected error': (_s, r) => {
      const errs = errorsOf(r);
      return errs.length === 0 ? true : errs.join('; ');
    },
  },
  actorErrorsAreFailures: true,
});

/**
 * The pulse round, after round 1 (thread 0 has cleared the event), with thread 1 as the one waiter.
 * Thread 0 waits until it sleeps, then set(); clear(). If it does not sleep within half the pulse
 * timeout (an event that spins, a loaded machine), thread 0 sets and leaves it set: the round is
 * then not a check. Alone, the waiter cannot be asleep on anything but the event's wait: nobody
 * else holds or touches the event meanwhile.
 */
function pulse(ev: EventImpl, s: State, ctx: ActorContext<P>, bounded: number): void {
  const b = s.board;
  if (ctx.thread > 1) return;
  if (ctx.thread === 0) {
    if (!awaitAtLeast(b, PULSE_READY, 1, bounded)) Atomics.add(b, MISSED, 1);
    const until = ctx.now() + PULSE_MS / 2;
    let asleep = ctx.isSleeping(1);
    while (!asleep && ctx.now() < until) {
      // Under controlled scheduling this is where the waiter gets the turn to go to sleep.
      yieldPoint('user', 'waiting for the waiter to sleep');
      asleep = ctx.isSleeping(1);
    }
    op('set()', () => ev.set());
    s.times[0] = ctx.now();
    if (!asleep) return;
    op('clear()', () => ev.clear());
    Atomics.add(b, PULSE_CHECKED, 1);
    return;
  }
  if (!awaitAtLeast(b, ROUND + 1, 1, bounded)) Atomics.add(b, MISSED, 1);
  signal(b, PULSE_READY);
  const started = ctx.now();
  const ok = op(timedCall(ctx, 'wait(t) in the pulse round'), () => ev.wait(PULSE_MS));
  const setEnded = s.times[0]!;
  // False counts only if the set ended while this wait still had half its time left: it was waiting then.
  if (!ok && setEnded > 0 && setEnded <= started + PULSE_MS / 2) Atomics.add(b, PULSE_MISSED, 1);
}

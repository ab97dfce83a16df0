/**
 * conformance/condition: thread 0 produces tokens under the condition's lock,
 * one or two at a time, each batch followed by notify(batch); the other
 * threads consume their share, waiting with no timeout while none is there.
 * A lost notify leaves a consumer asleep beside a token: the producer,
 * waiting for the token to be taken, gives up after a quarter of the trial
 * timeout and counts it as stranded (before this check, later notifies
 * rescued the sleeper and only a lost last notify showed, as a hang: 0.1-0.8%
 * of trials). Every wait() that returns true counts as a wakeup, and wakeups
 * may not exceed the sum of the n passed to notify(n), unless the implementation
 * declares spuriousWakeups (then a woken waiter just re-checks, as here).
 * A module that declares `timeouts: false` is only called without timeouts
 * (the producer blocks in acquire() instead of spinning on acquire(0)).
 */
import { defineSuite } from '../../harness/suite-api.js';
import type { ConditionImpl } from '../../harness/contract/types.js';
import { attached, galleryVariant, hasTimeouts, implOf, op, ourImpl, prepareImpl } from './lib/impl.js';
import { board, errorsOf, patienceMs } from './lib/coord.js';

/** Tokens available (changed only under the condition's lock). */
const TOKENS = 0;
/** Sum of n over notify(n) calls. */
const NOTIFIED = 1;
/** wait() calls that returned true. */
const WOKEN = 2;
/** Consumers that got their whole share. */
const FINISHED = 3;
/** Consumers inside (or about to call) wait(). */
const WAITING = 4;
/** Times the producer gave up waiting while a token sat beside a waiting consumer. */
const STRANDED = 5;
const SLOTS = 6;

type P = { impl: string; perConsumer: number };
interface State {
  handle: unknown;
  board: Int32Array;
}

export default defineSuite<State, P, null>({
  name: 'conformance/condition',
  description: 'no lost wakeup (a token is never left beside a sleeping consumer), notify(n) wakes at most n',
  implKind: 'condition',
  params: { impl: ourImpl('condition'), perConsumer: 20 },
  threads: [2, 4],
  variants: {
    'shakedown-condition': { description: '@shakedown/primitives Condition' },
    ...galleryVariant('lost-notify-condition', 'a notify between releasing the lock and going to sleep is lost: the waiter reads the wake-up counter too late'),
  },
  prepare: prepareImpl,
  setup: (ctx) => ({ handle: implOf(ctx).create({}), board: board(SLOTS) }),
  actor(s, ctx) {
    const cond = attached<ConditionImpl>(ctx, s.handle);
    const b = s.board;
    const consumers = ctx.threads - 1;
    if (ctx.thread === 0) {
      let left = consumers * ctx.params.perConsumer;
      const deadline = performance.now() + patienceMs(ctx);
      const timed = hasTimeouts(ctx);
      let gaveUp = false;
      for (let k = 0; left > 0; k++) {
        // Produce once the last batch is taken and a consumer has announced it is going into
        // wait(): the producer then takes the lock the instant wait() releases it, and notifies
        // while the consumer is on its way to sleep (without this the producer finishes first and
        // consumers never wait). Bounded: a stuck consumer must not make the producer spin forever.
        const batchStart = performance.now();
        while ((Atomics.load(b, TOKENS) !== 0 || Atomics.load(b, WAITING) === 0) && performance.now() < deadline);
        // A token still there with a consumer in wait() after all that time: its notify was lost
        // (a notified consumer takes the token within microseconds). Count it, then go on: the next
        // notify wakes the sleeper, so the trial ends instead of hanging.
        // Judged once, when the deadline first passes (after it the producer no longer waits), and
        // only if this batch itself waited long: in a trial slowed by load, the deadline can pass
        // during the microseconds a woken consumer still counts as waiting (a false alarm, seen once).
        if (!gaveUp && performance.now() >= deadline) {
          gaveUp = true;
          const stalled = performance.now() - batchStart >= ctx.timeoutMs / 8;
          if (stalled && Atomics.load(b, TOKENS) !== 0 && Atomics.load(b, WAITING) !== 0) Atomics.add(b, STRANDED, 1);
        }
        const n = Math.min(left, 1 + (k % 2));
        // Mostly spin on acquire(0): a spinner takes the lock the instant a waiter releases it
        // inside wait(), which is where a notify gets lost. No yield points from here to the
        // notify, so the notify lands as early as it can.
        op('acquire', () => undefined);
        if (k % 4 === 0 || !timed) cond.acquire();
        else while (!cond.acquire(0));
        Atomics.add(b, TOKENS, n);
        Atomics.add(b, NOTIFIED, n);
        cond.notify(n);
        op('release()', () => cond.release());
        left -= n;
      }
      return null;
    }
    for (let got = 0; got < ctx.params.perConsumer; got++) {
      op('acquire()', () => cond.acquire());
      // Mesa semantics: re-check after every wake-up. No timeout: a lost notify is a hang.
      while (Atomics.load(b, TOKENS) === 0) {
        Atomics.add(b, WAITING, 1);
        const woken = op('wait()', () => cond.wait());
        Atomics.sub(b, WAITING, 1);
        if (woken) Atomics.add(b, WOKEN, 1);
      }
      Atomics.sub(b, TOKENS, 1);
      op('release()', () => cond.release());
    }
    Atomics.add(b, FINISHED, 1);
    return null;
  },
  invariants: {
    'no lost wakeup': (s, _r, ctx) => ({
      ok: s.board[FINISHED] === ctx.threads - 1 && s.board[STRANDED] === 0,
      expected: `${ctx.threads - 1} consumers got their share, no token left beside a waiting consumer`,
      observed: { finished: s.board[FINISHED], stranded: s.board[STRANDED] },
    }),
    // Python's promise (the default); an implementation that declares spuriousWakeups (POSIX, Java) makes none.
    'notify(n) wakes at most n': (s, _r, ctx) =>
      implOf(ctx).capabilities?.spuriousWakeups === true ? true : { ok: s.board[WOKEN]! <= s.board[NOTIFIED]!, expected: `<= ${s.board[NOTIFIED]} wakeups`, observed: s.board[WOKEN] },
    'no unexpected error': (_s, r) => {
      const errs = errorsOf(r);
      return errs.length === 0 ? true : errs.join('; ');
    },
  },
  actorErrorsAreFailures: true,
});

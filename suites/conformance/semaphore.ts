/**
 * conformance/semaphore: any semaphore meeting the contract. Threads take
 * and return permits in three styles (blocking acquire(), spinning
 * tryAcquire(), timed acquire(0 or 1 ms)); thread 0 holds its first permit
 * ~150 us. Permits (params.permits -1, the default) alternate by trial:
 * even trials 1 permit, odd trials half the threads (1 at 2 threads, 2 at 4).
 * One permit with every thread contending for it is where lost wake-ups show
 * (a user's semaphore hid one at 2 permits and showed it at 1); several
 * permits are where counting bugs show.
 * A module that declares `timeouts: false` gets blocking acquire() calls and
 * spinning tryAcquire() (if it has one) only; "no lost permits" then counts
 * with tryAcquire(), or, without one, thread 0 takes every permit with blocking
 * acquire() calls at the end of the trial (a lost permit hangs there).
 */
import { defineSuite } from '../../harness/suite-api.js';
import type { SemaphoreImpl } from '../../harness/contract/types.js';
import { acquireInStyle, attached, galleryVariant, hasTimeouts, implOf, op, ourImpl, prepareImpl } from './lib/impl.js';
import { awaitAtLeast, board, errorsOf, signal, spin, patienceMs } from './lib/coord.js';

/** Holders now. */
const HOLDERS = 0;
/** Acquisitions that made holders exceed the permits. */
const OVER = 1;
const FINISHED = 2;
const STARVED = 3;
const SLOTS = 4;

type P = { impl: string; iterations: number; permits: number };
interface State {
  handle: unknown;
  board: Int32Array;
  /** This trial's permits (they alternate by trial). */
  permits: number;
}

/**
 * The trial's permits: params.permits if positive; 0, half the threads (what 0 meant before the
 * sweep, so older replay tokens, which carry permits: 0, replay as they ran); -1, the default, 1
 * in even trials and half the threads in odd ones.
 */
const permitsOf = (ctx: { threads: number; params: P; trial: number }): number => {
  const half = Math.max(1, ctx.threads >> 1);
  if (ctx.params.permits > 0) return ctx.params.permits;
  if (ctx.params.permits === 0) return half;
  return ctx.trial % 2 === 0 ? 1 : half;
};

export default defineSuite<State, P, null>({
  name: 'conformance/semaphore',
  description: 'never more holders than permits, no lost permits, no lost wakeup, bounded release',
  implKind: 'semaphore',
  params: { impl: ourImpl('semaphore'), iterations: 30, permits: -1 },
  threads: [2, 4],
  variants: {
    'shakedown-semaphore': { description: '@shakedown/primitives BoundedSemaphore' },
    ...galleryVariant('one-too-many-semaphore', 'off by one: acquire takes a permit while the count is 0, admitting permits + 1 holders'),
    ...galleryVariant('late-sequence-semaphore', 'acquire reads the wake-up sequence after finding no permit: a release in between is missed and it sleeps beside a free permit'),
  },
  async prepare(ctx) {
    const p = ctx.params.permits;
    if (!Number.isInteger(p) || p < -1) throw new RangeError(`conformance/semaphore: param permits must be a whole number, 0 for half the threads, or -1 (the default) for 1 and half the threads in turn by trial; got ${JSON.stringify(p)}`);
    await prepareImpl(ctx);
  },
  setup(ctx) {
    const permits = permitsOf(ctx);
    return { handle: implOf(ctx).create({ permits }), board: board(SLOTS), permits };
  },
  actor(s, ctx) {
    const sem = attached<SemaphoreImpl>(ctx, s.handle);
    const b = s.board;
    const permits = s.permits;
    const deadline = performance.now() + patienceMs(ctx);
    // t%3: 0 blocks, 1 spins on tryAcquire() (or acquire(0)), 2 retries acquire(0 or 1 ms).
    // Without timeouts: 1 and 2 spin on tryAcquire() if there is one, else block.
    const timed = hasTimeouts(ctx);
    const style = timed ? ctx.thread % 3 : ctx.thread % 3 === 0 || sem.tryAcquire === undefined ? 0 : 1;
    const take = (): boolean => acquireInStyle(sem, ctx, style, deadline, () => Atomics.add(b, STARVED, 1));
    for (let i = 0; i < ctx.params.iterations; i++) {
      if (!take()) break;
      if (Atomics.add(b, HOLDERS, 1) + 1 > permits) Atomics.add(b, OVER, 1);
      op('holding', () => undefined);
      if (ctx.thread === 0 && i === 0) spin(150);
      Atomics.sub(b, HOLDERS, 1);
      op('release()', () => sem.release());
    }
    // A signal (add, then notify): thread 0 may be waiting for every thread to finish (below).
    signal(b, FINISHED);
    // Without timeouts and tryAcquire, the main thread cannot count the free permits (a call could
    // block it). Thread 0 counts them instead, once every thread has finished: it takes `permits`
    // with blocking acquire() calls, so a lost permit is a hang (named: acquire() to count) rather than a pass.
    if (!timed && sem.tryAcquire === undefined && ctx.thread === 0 && awaitAtLeast(b, FINISHED, ctx.threads, patienceMs(ctx))) {
      for (let k = 0; k < permits; k++) op('acquire() to count the permits left', () => sem.acquire());
      for (let k = 0; k < permits; k++) op('release()', () => sem.release());
    }
    return null;
  },
  invariants: {
    'never more holders than permits': (s) => ({ ok: s.board[OVER] === 0, expected: `<= ${s.permits} holders`, observed: `${s.board[OVER]} acquisitions over` }),
    'progress under contention (no lost wakeup)': (s, _r, ctx) => ({
      ok: s.board[FINISHED] === ctx.threads && s.board[STARVED] === 0,
      expected: { finished: ctx.threads, starved: 0 },
      observed: { finished: s.board[FINISHED], starved: s.board[STARVED] },
    }),
    // Single-threaded, in the main thread, after the trial: exactly `permits` can be taken. Never
    // with a call that could block the main thread: without timeouts only tryAcquire() can count,
    // and a module with neither is counted by thread 0 at the end of the trial instead (a hang).
    'no lost permits (exactly permits free after the trial)': (s, _r, ctx) => {
      const sem = attached<SemaphoreImpl>(ctx, s.handle);
      const tryTake = hasTimeouts(ctx) ? (): boolean => sem.acquire(0) : sem.tryAcquire?.bind(sem);
      if (tryTake === undefined) return true;
      const permits = s.permits;
      let taken = 0;
      while (taken <= permits && tryTake()) taken++;
      for (let i = 0; i < taken; i++) sem.release();
      return { ok: taken === permits, expected: permits, observed: taken, details: `${hasTimeouts(ctx) ? 'acquire(0)' : 'tryAcquire()'} successes on the idle semaphore` };
    },
    'bounded release': (s, _r, ctx) => {
      if (implOf(ctx).capabilities?.boundedRelease !== true) return true;
      const sem = attached<SemaphoreImpl>(ctx, s.handle);
      try {
        sem.release();
      } catch {
        return true;
      }
      return 'release() past the initial permits did not throw (declared boundedRelease)';
    },
    'no unexpected error': (_s, r) => {
      const errs = errorsOf(r);
      return errs.length === 0 ? true : errs.join('; ');
    },
  },
  actorErrorsAreFailures: true,
});

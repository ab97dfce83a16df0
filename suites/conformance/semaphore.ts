/**
 * conformance/semaphore: any semaphore meeting the contract. Threads take
 * and return permits in three styles (blocking acquire(), spinning
 * tryAcquire(), timed acquire(0 or 1 ms)); thread 0 holds its first permit
 * ~150 us. Permits default to half the threads (1 at 2 threads, 2 at 4):
 * a lost wakeup hid at 2 permits and showed at 1 when measured.
 */
import { defineSuite } from '../../harness/suite-api.js';
import type { SemaphoreImpl } from '../../harness/contract/types.js';
import { attached, galleryVariant, implOf, op, ourImpl, prepareImpl } from './lib/impl.js';
import { board, errorsOf, spin, patienceMs } from './lib/coord.js';

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
}

const permitsOf = (ctx: { threads: number; params: P }): number => ctx.params.permits > 0 ? ctx.params.permits : Math.max(1, ctx.threads >> 1);

export default defineSuite<State, P, null>({
  name: 'conformance/semaphore',
  description: 'never more holders than permits, no lost permits, no lost wakeup, bounded release',
  implKind: 'semaphore',
  params: { impl: ourImpl('semaphore'), iterations: 30, permits: 0 },
  threads: [2, 4],
  variants: {
    'shakedown-semaphore': { description: '@shakedown/primitives BoundedSemaphore' },
    ...galleryVariant('one-too-many-semaphore', 'off by one: acquire takes a permit while the count is 0, admitting permits + 1 holders'),
  },
  prepare: prepareImpl,
  setup: (ctx) => ({ handle: implOf(ctx).create({ permits: permitsOf(ctx) }), board: board(SLOTS) }),
  actor(s, ctx) {
    const sem = attached<SemaphoreImpl>(ctx, s.handle);
    const b = s.board;
    const permits = permitsOf(ctx);
    const deadline = performance.now() + patienceMs(ctx);
    const style = ctx.thread % 3;
    const take = (): boolean => {
      if (style === 0) return op('acquire()', () => sem.acquire());
      while (performance.now() < deadline) {
        const got = style === 1 ? op('tryAcquire()', () => (sem.tryAcquire ? sem.tryAcquire() : sem.acquire(0))) : op('acquire(t)', () => sem.acquire(ctx.random() < 0.5 ? 0 : 1));
        if (got) return true;
      }
      Atomics.add(b, STARVED, 1);
      return false;
    };
    for (let i = 0; i < ctx.params.iterations; i++) {
      if (!take()) break;
      if (Atomics.add(b, HOLDERS, 1) + 1 > permits) Atomics.add(b, OVER, 1);
      op('holding', () => undefined);
      if (ctx.thread === 0 && i === 0) spin(150);
      Atomics.sub(b, HOLDERS, 1);
      op('release()', () => sem.release());
    }
    Atomics.add(b, FINISHED, 1);
    return null;
  },
  invariants: {
    'never more holders than permits': (s, _r, ctx) => ({ ok: s.board[OVER] === 0, expected: `<= ${permitsOf(ctx)} holders`, observed: `${s.board[OVER]} acquisitions over` }),
    'progress under contention (no lost wakeup)': (s, _r, ctx) => ({
      ok: s.board[FINISHED] === ctx.threads && s.board[STARVED] === 0,
      expected: { finished: ctx.threads, starved: 0 },
      observed: { finished: s.board[FINISHED], starved: s.board[STARVED] },
    }),
    // Single-threaded, in the main thread, after the trial: exactly `permits` can be taken.
    'no lost permits (exactly permits free after the trial)': (s, _r, ctx) => {
      const sem = attached<SemaphoreImpl>(ctx, s.handle);
      const permits = permitsOf(ctx);
      let taken = 0;
      while (taken <= permits && sem.acquire(0)) taken++;
      for (let i = 0; i < taken; i++) sem.release();
      return { ok: taken === permits, expected: permits, observed: taken, details: 'acquire(0) successes on the idle semaphore' };
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

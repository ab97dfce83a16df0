/**
 * conformance/queue: half the threads (at least one) put numbered messages,
 * the rest get them. Producers put with no timeout (a lost wakeup hangs).
 * With close(): the last producer closes and consumers get() until it
 * returns undefined (drained). Without: consumers poll get(1 ms) until every
 * message is taken. Capacity is checked from outside: after a put returns,
 * puts done minus gets started is a lower bound of what the queue holds.
 * A single-producer single-consumer queue declares maxThreads: 2. Capacity
 * equals the messages per producer, so producers seldom block and race each
 * other on every put (measured: index races showed at 4% of trials this way,
 * under 0.5% with a capacity of 8 and 32 messages).
 */
import { defineSuite } from '../../harness/suite-api.js';
import type { QueueImpl } from '../../harness/contract/types.js';
import { attached, galleryVariant, implOf, op, ourImpl, prepareImpl } from './lib/impl.js';
import { board, errorsOf, patienceMs } from './lib/coord.js';

/** Puts that returned true. */
const PUTS = 0;
/** Gets started and not (yet) known to have come back empty. */
const GETS = 1;
/** Puts after which PUTS - GETS exceeded the capacity. */
const OVER = 2;
/** put() with no timeout returned false. */
const PUT_FAILED = 3;
const PRODUCERS_DONE = 4;
const CONSUMED = 5;
const CONSUMERS_EXITED = 6;
const FIFO_VIOLATIONS = 7;
const STARVED = 8;
const SLOTS = 9;

/**
 * roles: 'split' = half produce, the rest consume; 'all' = every thread puts
 * its messages and then drains, so at t2 two producers race on every put
 * (index races need two producers; with 'split' t2 has one). Capacity must
 * then hold every thread's messages, or producers block with nobody getting.
 */
type P = { impl: string; messages: number; capacity: number; roles: 'split' | 'all' };
interface State {
  handle: unknown;
  board: Int32Array;
  /** received[v]: times message v was taken. */
  received: Int32Array;
}

const producersOf = (threads: number, p: { roles: string }): number => (p.roles === 'all' ? threads : Math.max(1, threads >> 1));
const consumersOf = (threads: number, p: { roles: string }): number => (p.roles === 'all' ? threads : threads - producersOf(threads, p));

export default defineSuite<State, P, null>({
  name: 'conformance/queue',
  description: 'no loss, no duplication, FIFO per producer, capacity bound, close and drain',
  implKind: 'queue',
  params: { impl: ourImpl('queue'), messages: 16, capacity: 16, roles: 'split' },
  threads: [2, 4],
  variants: {
    'shakedown-queue': { description: '@shakedown/primitives Queue' },
    // Every thread produces (t2 has two producers too) into a queue that holds all of it.
    ...galleryVariant('non-atomic-index-queue', 'producers reserve a slot with a plain read then write of the tail index: two take the same slot and a message is lost', { params: { roles: 'all', capacity: 64 } }),
  },
  threadName: (t, ctx) => (ctx.params.roles === 'all' ? `producer-consumer-${t}` : t < producersOf(ctx.threads, ctx.params) ? `producer-${t}` : `consumer-${t - producersOf(ctx.threads, ctx.params)}`),
  prepare: prepareImpl,
  setup: (ctx) => ({
    handle: implOf(ctx).create({ capacity: ctx.params.capacity }),
    board: board(SLOTS),
    received: new Int32Array(new SharedArrayBuffer(4 * producersOf(ctx.threads, ctx.params) * ctx.params.messages)),
  }),
  actor(s, ctx) {
    const q = attached<QueueImpl>(ctx, s.handle);
    const b = s.board;
    const producers = producersOf(ctx.threads, ctx.params);
    const m = ctx.params.messages;
    const total = producers * m;
    if (ctx.thread < producers) {
      for (let seq = 0; seq < m; seq++) {
        if (!op('put()', () => q.put(ctx.thread * m + seq))) Atomics.add(b, PUT_FAILED, 1);
        // Read GETS after counting this put: the difference can only under-state what the queue holds.
        if (Atomics.add(b, PUTS, 1) + 1 - Atomics.load(b, GETS) > ctx.params.capacity) Atomics.add(b, OVER, 1);
      }
      if (Atomics.add(b, PRODUCERS_DONE, 1) + 1 === producers && q.close) op('close()', () => q.close!());
      if (ctx.params.roles !== 'all') return null;
    }
    const closes = q.close !== undefined;
    const deadline = performance.now() + patienceMs(ctx);
    const lastSeq = new Array<number>(producers).fill(-1);
    while (true) {
      if (!closes && Atomics.load(b, CONSUMED) >= total) break;
      if (performance.now() > deadline) {
        Atomics.add(b, STARVED, 1);
        break;
      }
      Atomics.add(b, GETS, 1);
      const v = closes ? op('get()', () => q.get()) : op('get(1)', () => q.get(1));
      if (v === undefined) {
        Atomics.sub(b, GETS, 1);
        if (closes) break; // closed and drained
        continue;
      }
      if (!Number.isInteger(v) || v < 0 || v >= total) throw new Error(`get() returned ${v}, which no producer put`);
      Atomics.add(s.received, v, 1);
      Atomics.add(b, CONSUMED, 1);
      const p = Math.floor(v / m);
      if (v % m <= lastSeq[p]!) Atomics.add(b, FIFO_VIOLATIONS, 1);
      lastSeq[p] = v % m;
    }
    Atomics.add(b, CONSUMERS_EXITED, 1);
    return null;
  },
  invariants: {
    'no loss': (s) => {
      const lost = [...s.received.keys()].filter((v) => s.received[v] === 0);
      return { ok: lost.length === 0 && s.board[PUT_FAILED] === 0, expected: 'every message taken', observed: { lost: lost.slice(0, 5), lostCount: lost.length, putsFailed: s.board[PUT_FAILED] } };
    },
    'no duplication': (s) => {
      const dup = [...s.received.keys()].filter((v) => s.received[v]! > 1);
      return { ok: dup.length === 0, expected: 'each message taken once', observed: dup.slice(0, 5).map((v) => `${v} x${s.received[v]}`) };
    },
    'FIFO per producer': (s) => ({ ok: s.board[FIFO_VIOLATIONS] === 0, expected: 0, observed: s.board[FIFO_VIOLATIONS], details: 'a consumer got a producer\'s messages out of order' }),
    'capacity bound': (s, _r, ctx) => ({ ok: s.board[OVER] === 0, expected: `<= ${ctx.params.capacity} held`, observed: `${s.board[OVER]} puts over` }),
    'close and drain': (s, _r, ctx) => {
      const consumers = consumersOf(ctx.threads, ctx.params);
      if (s.board[CONSUMERS_EXITED] !== consumers || s.board[STARVED] !== 0) return `${s.board[CONSUMERS_EXITED]} of ${consumers} consumers exited, ${s.board[STARVED]} gave up waiting`;
      const q = attached<QueueImpl>(ctx, s.handle);
      if (q.close === undefined) return true;
      // Single-threaded, after the trial: a closed queue refuses puts and stays drained.
      if (q.put(0, 0)) return 'put() after close() returned true';
      return q.get(0) === undefined ? true : 'get() after close and drain returned a value';
    },
    'no unexpected error': (_s, r) => {
      const errs = errorsOf(r);
      return errs.length === 0 ? true : errs.join('; ');
    },
  },
  actorErrorsAreFailures: true,
});

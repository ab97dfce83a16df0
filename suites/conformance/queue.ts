/**
 * conformance/queue: in even trials half the threads (at least one) put
 * numbered messages and the rest get them; in odd trials every thread puts,
 * then drains (see roles below: multi-producer races need two producers,
 * which a 2-thread split trial lacks). Producers put with no timeout (a lost wakeup hangs).
 * With close(): the last producer closes and consumers get() until it
 * returns undefined (drained). Without: consumers poll get(1 ms) until every
 * message is taken, or, for a module that declares `timeouts: false`, each
 * takes its fixed share with blocking get() calls. Capacity is checked from outside: after a put returns,
 * puts done minus gets started is a lower bound of what the queue holds.
 * A single-producer single-consumer queue declares maxThreads: 2 (and then
 * gets split trials only). Capacity equals the messages per producer, so producers seldom block and race each
 * other on every put (measured: index races showed at 4% of trials this way,
 * under 0.5% with a capacity of 8 and 32 messages).
 */
import { defineSuite } from '../../harness/suite-api.js';
import type { QueueImpl } from '../../harness/contract/types.js';
import { attached, galleryVariant, hasTimeouts, implOf, op, ourImpl, prepareImpl, timedCall } from './lib/impl.js';
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
 * (index races need two producers; with 'split' t2 has one); 'mixed' (the
 * default) = 'split' in even trials and 'all' in odd ones, so every thread
 * count sees both. An 'all' trial's queue holds every thread's messages
 * (capacity at least threads x messages), or producers would block with
 * nobody getting.
 */
type Roles = 'split' | 'all' | 'mixed';
type P = { impl: string; messages: number; capacity: number; roles: Roles };
interface State {
  handle: unknown;
  board: Int32Array;
  /** received[v]: times message v was taken. */
  received: Int32Array;
  /** This trial's roles ('split' or 'all') and the capacity its queue was created with. */
  allProduce: boolean;
  capacity: number;
}

/**
 * Whether every thread produces in this trial. Always at 1 thread; never for a module that declares
 * maxThreads 2: that is how a single-producer single-consumer queue says so (docs/contracts.md).
 */
function allProduceIn(ctx: { params: P; trial: number; threads: number }): boolean {
  // One thread has nobody to hand to: it produces, then drains.
  if (ctx.threads === 1) return true;
  const max = implOf(ctx).maxThreads;
  if (max !== undefined && max <= 2) return false;
  return ctx.params.roles === 'all' || (ctx.params.roles === 'mixed' && ctx.trial % 2 === 1);
}
const producersOf = (threads: number, allProduce: boolean): number => (allProduce ? threads : Math.max(1, threads >> 1));
const consumersOf = (threads: number, allProduce: boolean): number => (allProduce ? threads : threads - producersOf(threads, false));

export default defineSuite<State, P, null>({
  name: 'conformance/queue',
  description: 'no loss, no duplication, FIFO per producer, capacity bound, close and drain',
  implKind: 'queue',
  params: { impl: ourImpl('queue'), messages: 16, capacity: 16, roles: 'mixed' },
  threads: [2, 4],
  variants: {
    'shakedown-queue': { description: '@shakedown/primitives Queue' },
    ...galleryVariant('non-atomic-index-queue', 'producers reserve a slot with a plain read then write of the tail index: two take the same slot and a message is lost'),
  },
  // Names are per configuration: with 'mixed' roles a thread produces in some trials only.
  threadName(t, ctx) {
    if (ctx.params.roles === 'split') return t < producersOf(ctx.threads, false) ? `producer-${t}` : `consumer-${t - producersOf(ctx.threads, false)}`;
    return ctx.params.roles === 'all' ? `producer-consumer-${t}` : `t${t}`;
  },
  async prepare(ctx) {
    if (!['split', 'all', 'mixed'].includes(ctx.params.roles)) throw new RangeError(`conformance/queue: param roles must be split, all or mixed; got ${JSON.stringify(ctx.params.roles)}`);
    await prepareImpl(ctx);
  },
  setup(ctx) {
    const allProduce = allProduceIn(ctx);
    const capacity = allProduce ? Math.max(ctx.params.capacity, ctx.threads * ctx.params.messages) : ctx.params.capacity;
    return {
      handle: implOf(ctx).create({ capacity }),
      board: board(SLOTS),
      received: new Int32Array(new SharedArrayBuffer(4 * producersOf(ctx.threads, allProduce) * ctx.params.messages)),
      allProduce,
      capacity,
    };
  },
  actor(s, ctx) {
    const q = attached<QueueImpl>(ctx, s.handle);
    const b = s.board;
    const producers = producersOf(ctx.threads, s.allProduce);
    const m = ctx.params.messages;
    const total = producers * m;
    if (ctx.thread < producers) {
      for (let seq = 0; seq < m; seq++) {
        if (!op('put()', () => q.put(ctx.thread * m + seq))) Atomics.add(b, PUT_FAILED, 1);
        // Read GETS after counting this put: the difference can only under-state what the queue holds.
        if (Atomics.add(b, PUTS, 1) + 1 - Atomics.load(b, GETS) > s.capacity) Atomics.add(b, OVER, 1);
      }
      if (Atomics.add(b, PRODUCERS_DONE, 1) + 1 === producers && q.close) op('close()', () => q.close!());
      if (!s.allProduce) return null;
    }
    const closes = q.close !== undefined;
    const timed = hasTimeouts(ctx);
    // Without close() and without timeouts, a consumer cannot poll: it takes a fixed share, blocking.
    const consumers = consumersOf(ctx.threads, s.allProduce);
    const me = s.allProduce ? ctx.thread : ctx.thread - producers;
    const share = Math.floor(total / consumers) + (me < total % consumers ? 1 : 0);
    let taken = 0;
    const deadline = performance.now() + patienceMs(ctx);
    const lastSeq = new Array<number>(producers).fill(-1);
    while (true) {
      if (!closes && (timed ? Atomics.load(b, CONSUMED) >= total : taken >= share)) break;
      if (performance.now() > deadline) {
        Atomics.add(b, STARVED, 1);
        break;
      }
      Atomics.add(b, GETS, 1);
      const v = closes || !timed ? op('get()', () => q.get()) : op(timedCall(ctx, 'get(1)'), () => q.get(1));
      if (v === undefined) {
        Atomics.sub(b, GETS, 1);
        if (closes) break; // closed and drained
        continue;
      }
      if (!Number.isInteger(v) || v < 0 || v >= total) throw new Error(`get() returned ${v}, which no producer put`);
      Atomics.add(s.received, v, 1);
      Atomics.add(b, CONSUMED, 1);
      taken++;
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
    'capacity bound': (s) => ({ ok: s.board[OVER] === 0, expected: `<= ${s.capacity} held`, observed: `${s.board[OVER]} puts over` }),
    'close and drain': (s, _r, ctx) => {
      const consumers = consumersOf(ctx.threads, s.allProduce);
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

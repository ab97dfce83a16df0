import assert from 'node:assert/strict';
import { Lock, Queue, Semaphore, type ShakedownError } from '@shakedown/primitives';
import { DEFAULT_WAIT_MS, WAKE_TEST_TIMEOUT_MS, Workers, assertWokenEarly, delay, withTimeout, type TestWorker } from '../helpers/workers.js';
import { sharedInt32 } from '../helpers/sync.js';
import { codeOf } from '../helpers/errors.js';
import { type Item, itemOf } from './fixtures/queue-items.js';

const fixture = new URL('./fixtures/queue-worker.js', import.meta.url);

/** A fixture's getOnce / putOnce outcome, once it is certain that a wake-up, not the call's own timeout, ended it. */
async function wokenOutcome(w: TestWorker): Promise<Record<string, unknown>> {
  const { elapsed, ...outcome } = await w.result<{ elapsed: number } & Record<string, unknown>>();
  assertWokenEarly(elapsed, `${w.name}'s call with a ${WAKE_TEST_TIMEOUT_MS} ms timeout`);
  return outcome;
}

async function rejectionCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return (err as ShakedownError).code;
  }
  return undefined;
}

describe('Queue', function () {
  this.timeout(20000);
  const workers = new Workers();
  afterEach(() => workers.terminateAll());

  async function run(producers: number, consumers: number, perProducer: number, capacity: number, iterate: boolean): Promise<void> {
    const q = new Queue(capacity, { name: `q-${producers}x${consumers}`, maxMessageBytes: 128 });
    const ps = Array.from({ length: producers }, (_, p) => workers.start(fixture, { name: `producer-${p}`, workerData: { scenario: 'producer', queue: q, producer: p, count: perProducer } }));
    const cs = Array.from({ length: consumers }, (_, c) =>
      workers.start(fixture, { name: `consumer-${c}`, workerData: { scenario: 'consumer', queue: q.handle(), seed: c, iterate, timeoutMs: WAKE_TEST_TIMEOUT_MS } }),
    );
    await Promise.all(ps.map((w) => w.result(15000)));
    q.close();
    const gots = await Promise.all(cs.map((w) => w.result<[number, number][]>(15000)));
    for (const [c, got] of gots.entries()) {
      // FIFO per producer: each consumer sees any one producer's messages in the order they were put.
      const last = new Map<number, number>();
      for (const [p, i] of got) {
        assert.ok((last.get(p) ?? -1) < i, `consumer ${c} got producer ${p}'s message ${i} after ${last.get(p)}`);
        last.set(p, i);
      }
    }
    const seen = gots.flat().map(([p, i]) => p * 1_000_000 + i).sort((a, b) => a - b);
    const expected = Array.from({ length: producers }, (_, p) => Array.from({ length: perProducer }, (_, i) => p * 1_000_000 + i)).flat();
    assert.deepEqual(seen, expected, 'every message consumed exactly once');
    assert.ok(q.highWater() <= capacity, `held ${q.highWater()} messages with capacity ${capacity}`);
    assert.ok(q.highWater() >= 1);
    assert.equal(q.size(), 0);
  }

  it('1 producer x 1 consumer (for...of), 4000 mixed messages through capacity 4', async function () {
    await run(1, 1, 4000, 4, true);
  });

  it('2 producers x 2 consumers (get with timeout), 2 x 3000 mixed messages through capacity 8', async function () {
    await run(2, 2, 3000, 8, false);
  });

  it('2 producers x 2 consumers (for...of) through capacity 1', async function () {
    await run(2, 2, 1500, 1, true);
  });

  it('close() lets for...of consumers drain what is queued and exit', async function () {
    const q = new Queue<number>(16);
    for (let i = 0; i < 10; i++) q.put(i, 0);
    q.close();
    const w = workers.start(fixture, { workerData: { scenario: 'consumer', queue: q, seed: 0, iterate: true, timeoutMs: WAKE_TEST_TIMEOUT_MS } });
    const got = await w.result<[number, number][]>();
    assert.deepEqual(got.map(([, i]) => i), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('close() wakes consumers blocked on an empty queue and producers blocked on a full one', async function () {
    const empty = new Queue(2);
    const full = new Queue(1);
    full.put(1, 0);
    const getters = [0, 1].map((i) => workers.start(fixture, { name: `getter-${i}`, workerData: { scenario: 'getOnce', queue: empty, timeoutMs: WAKE_TEST_TIMEOUT_MS } }));
    const putter = workers.start(fixture, { name: 'putter', workerData: { scenario: 'putOnce', queue: full, value: 2, timeoutMs: WAKE_TEST_TIMEOUT_MS } });
    await Promise.all([...getters, putter].map((w) => w.next('calling')));
    // Let them get to sleep (one that has not yet would see "closed" at once, and only make the test weaker).
    // A get or put that times out re-checks "closed" before "timed out" and so reports ERR_QUEUE_CLOSED just as
    // a woken one does: hence the long timeouts, with which a lost wake-up shows as the result wait running out.
    await delay(100);
    empty.close();
    full.close();
    for (const r of await Promise.all(getters.map(wokenOutcome))) assert.deepEqual(r, { code: 'ERR_QUEUE_CLOSED' });
    assert.deepEqual(await wokenOutcome(putter), { code: 'ERR_QUEUE_CLOSED' });
  });

  it('a blocked get is woken by a put from another thread', async function () {
    const q = new Queue(2);
    const w = workers.start(fixture, { workerData: { scenario: 'getOnce', queue: q, timeoutMs: WAKE_TEST_TIMEOUT_MS } });
    await w.next('calling');
    await delay(30);
    await q.putAsync({ hello: 'world' }, 1000);
    // A get that times out re-checks the queue and would take the message all the same: hence the long timeout.
    assert.deepEqual(await wokenOutcome(w), { value: { hello: 'world' } });
  });

  it('nowait variants, closed queue and oversized messages throw their codes', function () {
    const q = new Queue<unknown>(2, { maxMessageBytes: 32 });
    assert.equal(codeOf(() => q.getNowait()), 'ERR_QUEUE_EMPTY');
    q.putNowait(1);
    q.putNowait('two');
    assert.equal(q.full(), true);
    assert.equal(codeOf(() => q.putNowait(3)), 'ERR_QUEUE_FULL');
    const t0 = performance.now();
    assert.equal(codeOf(() => q.put(3, 40)), 'ERR_QUEUE_FULL');
    assert.ok(performance.now() - t0 >= 39);
    assert.equal(q.getNowait(), 1);
    assert.equal(codeOf(() => q.put('x'.repeat(100), 0)), 'ERR_QUEUE_MESSAGE_TOO_LARGE');
    assert.equal(codeOf(() => q.put(() => 1, 0)), 'ERR_INVALID_ARG');
    assert.equal(q.size(), 1, 'a refused put must not enqueue');
    q.close();
    assert.equal(codeOf(() => q.put(4, 0)), 'ERR_QUEUE_CLOSED');
    assert.equal(q.get(0), 'two', 'a closed queue still drains');
    assert.equal(codeOf(() => q.get(100)), 'ERR_QUEUE_CLOSED');
    assert.equal(codeOf(() => q.getNowait()), 'ERR_QUEUE_CLOSED');
    const t1 = performance.now();
    assert.equal(codeOf(() => new Queue(1).get(40)), 'ERR_QUEUE_EMPTY');
    assert.ok(performance.now() - t1 >= 39);
    assert.equal(codeOf(() => new Queue(0)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => q.get(Number.NaN)), 'ERR_INVALID_TIMEOUT');
  });

  it('join() returns once every message is taskDone(); one taskDone too many throws ERR_QUEUE_TASK_DONE', async function () {
    const q = new Queue<number>(8);
    assert.equal(q.join(0), true, 'nothing put: nothing to wait for');
    const done = sharedInt32(1);
    for (let i = 0; i < 5; i++) q.put(i, 0);
    assert.equal(q.unfinished(), 5);
    const t0 = performance.now();
    assert.equal(q.join(30), false);
    assert.ok(performance.now() - t0 >= 29);
    const w = workers.start(fixture, { workerData: { scenario: 'worker', queue: q, count: 5, done: done.buffer } });
    // join re-checks on timeout too, so only the long timeout makes a lost taskDone() wake-up visible.
    assert.equal(await withTimeout(q.joinAsync(WAKE_TEST_TIMEOUT_MS), DEFAULT_WAIT_MS, 'joinAsync to be woken by the last taskDone()'), true);
    assert.equal(Atomics.load(done, 0), 5, 'join returned before every task was done');
    await w.result();
    assert.equal(q.unfinished(), 0);
    assert.equal(codeOf(() => q.taskDone()), 'ERR_QUEUE_TASK_DONE');
  });

  it('getAsync / putAsync on the main thread wait for workers without blocking the event loop', async function () {
    const q = new Queue<unknown>(1);
    await q.putAsync(0, 100);
    // Full: this putAsync must be woken by the worker's get. (Each wait re-checks the queue when its
    // timer fires, so only a timeout far beyond the test's own bound makes a lost wake-up visible.)
    const putting = q.putAsync(1, WAKE_TEST_TIMEOUT_MS);
    const g = workers.start(fixture, { workerData: { scenario: 'getOnce', queue: q, timeoutMs: WAKE_TEST_TIMEOUT_MS } });
    await withTimeout(putting, DEFAULT_WAIT_MS, "putAsync to be woken by the worker's get");
    assert.deepEqual(await wokenOutcome(g), { value: 0 });
    assert.equal(await q.getAsync(1000), 1);
    // Empty: this getAsync must be woken by the worker's put.
    const getting = q.getAsync(WAKE_TEST_TIMEOUT_MS);
    const p = workers.start(fixture, { workerData: { scenario: 'putOnce', queue: q, value: { n: 2 }, timeoutMs: WAKE_TEST_TIMEOUT_MS } });
    assert.deepEqual(await withTimeout(getting, DEFAULT_WAIT_MS, "getAsync to be woken by the worker's put"), { n: 2 });
    assert.deepEqual(await wokenOutcome(p), { ok: true });
    assert.equal(await rejectionCode(q.getAsync(30)), 'ERR_QUEUE_EMPTY');
  });

  /**
   * The async iterator calls getAsync() with no timeout. Bound each of those
   * calls (an own-property override the iterator goes through), so that a lost
   * wake-up ends the loop with ERR_QUEUE_EMPTY after WAKE_TEST_TIMEOUT_MS
   * instead of leaving a wait pending forever; the test's own bound is shorter.
   */
  function boundAsyncGets<T>(q: Queue<T>): () => number {
    const unbounded = q.getAsync.bind(q);
    let calls = 0;
    q.getAsync = (t?: number) => {
      calls++;
      return unbounded(t ?? WAKE_TEST_TIMEOUT_MS);
    };
    return () => calls;
  }

  it('for await...of on the main thread takes what a worker puts, in order, and ends once the queue is closed and drained', async function () {
    const q = new Queue<Item>(4, { name: 'q-async-iter', maxMessageBytes: 128 });
    const gets = boundAsyncGets(q);
    const count = 600;
    const consuming = (async () => {
      const got: Item[] = [];
      for await (const v of q) got.push(v);
      return got;
    })();
    try {
      // The handle, not q: q's own getAsync override (a function) cannot be cloned.
      const p = workers.start(fixture, { name: 'producer', workerData: { scenario: 'producer', queue: q.handle(), producer: 3, count } });
      await p.result(15000);
      q.close();
      const got = await withTimeout(consuming, DEFAULT_WAIT_MS, 'for await...of to end after close()');
      assert.deepEqual(got, Array.from({ length: count }, (_, i) => itemOf(3, i)), 'every message, once, in the order put');
      assert.equal(gets(), count + 1, 'the loop went through getAsync (one more call, which found the queue closed)');
      assert.equal(q.size(), 0);
    } finally {
      q.close();
    }
  });

  it('for await...of wakes on close() while blocked on an empty queue; breaking out of it takes nothing more', async function () {
    const q = new Queue<number>(8, { name: 'q-async-break' });
    boundAsyncGets(q);
    for (let i = 0; i < 5; i++) q.put(i, 0);
    const taken: number[] = [];
    for await (const v of q) {
      taken.push(v);
      if (taken.length === 2) break;
    }
    assert.deepEqual(taken, [0, 1]);
    assert.equal(q.size(), 3, 'break must not take another message');
    assert.equal(q.getNowait(), 2, 'the queue goes on from where the loop stopped');

    const rest: number[] = [];
    const t0 = performance.now();
    const draining = (async () => {
      for await (const v of q) rest.push(v);
    })();
    // The loop takes 3 and 4, then blocks on the empty queue until close() wakes it.
    await delay(50);
    q.close();
    await withTimeout(draining, DEFAULT_WAIT_MS, 'for await...of to be woken by close()');
    assertWokenEarly(performance.now() - t0, 'for await...of blocked on an empty queue');
    assert.deepEqual(rest, [3, 4]);
  });

  it('Queue.from rejects handles of other primitives and malformed ones with ERR_BAD_HANDLE', function () {
    assert.throws(() => Queue.from(new Semaphore(1).handle()), { code: 'ERR_BAD_HANDLE', message: /expected a queue handle, got kind "semaphore"/ });
    assert.throws(() => Queue.from(new Lock()), { code: 'ERR_BAD_HANDLE', message: /expected a queue handle, got kind "lock"/ });
    assert.throws(() => Queue.from(undefined), { code: 'ERR_BAD_HANDLE', message: /expected a queue handle, got undefined/ });
    assert.throws(() => Queue.from({ ...new Queue(1).handle(), byteOffset: '0' }), { code: 'ERR_BAD_HANDLE', message: /malformed queue handle/ });
  });
});

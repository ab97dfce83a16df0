import assert from 'node:assert/strict';
import { Queue, type ShakedownError } from '@shakedown/primitives';
import { Workers, delay } from '../helpers/workers.js';
import { sharedInt32 } from '../helpers/sync.js';
import { codeOf } from '../helpers/errors.js';

const fixture = new URL('./fixtures/queue-worker.js', import.meta.url);


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
    const cs = Array.from({ length: consumers }, (_, c) => workers.start(fixture, { name: `consumer-${c}`, workerData: { scenario: 'consumer', queue: q.handle(), seed: c, iterate } }));
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
    const w = workers.start(fixture, { workerData: { scenario: 'consumer', queue: q, seed: 0, iterate: true } });
    const got = await w.result<[number, number][]>();
    assert.deepEqual(got.map(([, i]) => i), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('close() wakes consumers blocked on an empty queue and producers blocked on a full one', async function () {
    const empty = new Queue(2);
    const full = new Queue(1);
    full.put(1, 0);
    const getters = [0, 1].map((i) => workers.start(fixture, { name: `getter-${i}`, workerData: { scenario: 'getOnce', queue: empty, timeoutMs: 5000 } }));
    const putter = workers.start(fixture, { name: 'putter', workerData: { scenario: 'putOnce', queue: full, value: 2, timeoutMs: 5000 } });
    await Promise.all([...getters, putter].map((w) => w.next('calling')));
    // Let them get to sleep; were close() not to wake them they would time out with ERR_QUEUE_EMPTY / ERR_QUEUE_FULL instead.
    await delay(50);
    empty.close();
    full.close();
    for (const r of await Promise.all(getters.map((w) => w.result()))) assert.deepEqual(r, { code: 'ERR_QUEUE_CLOSED' });
    assert.deepEqual(await putter.result(), { code: 'ERR_QUEUE_CLOSED' });
  });

  it('a blocked get is woken by a put from another thread', async function () {
    const q = new Queue(2);
    const w = workers.start(fixture, { workerData: { scenario: 'getOnce', queue: q, timeoutMs: 5000 } });
    await w.next('calling');
    await delay(30);
    await q.putAsync({ hello: 'world' }, 1000);
    assert.deepEqual(await w.result(), { value: { hello: 'world' } });
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
    assert.equal(await q.joinAsync(5000), true);
    assert.equal(Atomics.load(done, 0), 5, 'join returned before every task was done');
    await w.result();
    assert.equal(q.unfinished(), 0);
    assert.equal(codeOf(() => q.taskDone()), 'ERR_QUEUE_TASK_DONE');
  });

  it('getAsync / putAsync on the main thread wait for workers without blocking the event loop', async function () {
    const q = new Queue<unknown>(1);
    await q.putAsync(0, 100);
    // Full: this putAsync must wait for the worker's get.
    const putting = q.putAsync(1, 5000);
    const g = workers.start(fixture, { workerData: { scenario: 'getOnce', queue: q, timeoutMs: 5000 } });
    await putting;
    assert.deepEqual(await g.result(), { value: 0 });
    assert.equal(await q.getAsync(1000), 1);
    // Empty: this getAsync must wait for the worker's put.
    const getting = q.getAsync(5000);
    const p = workers.start(fixture, { workerData: { scenario: 'putOnce', queue: q, value: { n: 2 }, timeoutMs: 5000 } });
    assert.deepEqual(await getting, { n: 2 });
    assert.deepEqual(await p.result(), { ok: true });
    assert.equal(await rejectionCode(q.getAsync(30)), 'ERR_QUEUE_EMPTY');
  });
});

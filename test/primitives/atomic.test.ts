import assert from 'node:assert/strict';
import { AtomicBigInt, AtomicInt, attach } from '@shakedown/primitives';
import { Workers } from '../helpers/workers.js';
import { sharedInt32 } from '../helpers/sync.js';

const fixture = new URL('./fixtures/atomic-worker.js', import.meta.url);

describe('AtomicInt / AtomicBigInt', function () {
  this.timeout(20000);
  const workers = new Workers();
  afterEach(() => workers.terminateAll());

  async function runAll(scenario: string, parties: number, data: Record<string, unknown>): Promise<unknown[]> {
    const start = sharedInt32(1);
    const ws = Array.from({ length: parties }, (_, i) => workers.start(fixture, { name: `${scenario}-${i}`, workerData: { scenario, start: start.buffer, parties, ...data } }));
    return Promise.all(ws.map((w) => w.result(15000)));
  }

  it('increments from 4 workers sum exactly', async function () {
    const a = new AtomicInt(0, { name: 'sum' });
    await runAll('increment', 4, { atomic: a, iterations: 100_000 });
    assert.equal(a.get(), 400_000);
  });

  it('compareExchange: swaps only on the expected value; CAS-loop increments from 4 workers sum exactly', async function () {
    const a = new AtomicInt(5);
    assert.equal(a.compareExchange(4, 9), 5, 'failed CAS returns what it saw');
    assert.equal(a.get(), 5);
    assert.equal(a.compareExchange(5, 9), 5);
    assert.equal(a.get(), 9);
    assert.equal(a.exchange(1), 9);
    assert.equal(a.add(2), 3);
    assert.equal(a.sub(3), 0);
    assert.equal(a.max(-1), 0);
    assert.equal(a.max(7), 7);

    const c = new AtomicInt(0);
    await runAll('casIncrement', 4, { atomic: c.handle(), iterations: 20_000 });
    assert.equal(c.get(), 80_000);
  });

  it('AtomicInt wraps like Int32Array', function () {
    const a = new AtomicInt(0x7fffffff);
    assert.equal(a.increment(), -0x80000000);
    assert.equal(a.get(), -0x80000000);
  });

  it('AtomicBigInt: additions from 4 workers past 32 bits sum exactly; exchange and compareExchange', async function () {
    const b = new AtomicBigInt(0n);
    const delta = (1n << 33n) + 1n;
    await runAll('bigAdd', 4, { atomic: b, iterations: 20_000, delta: delta.toString() });
    assert.equal(b.get(), delta * 80_000n);
    assert.equal(b.compareExchange(1n, 2n), delta * 80_000n);
    assert.equal(b.compareExchange(delta * 80_000n, -5n), delta * 80_000n);
    assert.equal(b.exchange(7n), -5n);
    assert.equal(b.increment(), 8n);
    const max = new AtomicBigInt((1n << 63n) - 1n);
    assert.equal(max.increment(), -(1n << 63n), 'wraps at 64 bits');
  });

  it('attach() turns handles back into the right primitive', function () {
    const a = new AtomicInt(3);
    const attached = attach(a.handle());
    assert.ok(attached instanceof AtomicInt);
    attached.increment();
    assert.equal(a.get(), 4);
    assert.ok(attach(new AtomicBigInt(1n).handle()) instanceof AtomicBigInt);
    assert.throws(() => new AtomicInt(1.5), (err: unknown) => (err as { code?: string }).code === 'ERR_INVALID_ARG');
  });
});

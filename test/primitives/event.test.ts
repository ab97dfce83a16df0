import assert from 'node:assert/strict';
import { Event, type ShakedownError } from '@shakedown/primitives';
import { Workers, delay } from '../helpers/workers.js';

const fixture = new URL('./fixtures/event-worker.js', import.meta.url);

describe('Event', function () {
  this.timeout(20000);
  const workers = new Workers();
  afterEach(() => workers.terminateAll());

  it('loses no wake-up over 3000 wait/set rounds between two workers', async function () {
    const go = new Event({ name: 'go' });
    const ack = new Event({ name: 'ack' });
    const rounds = 3000;
    const ws = [
      workers.start(fixture, { name: 'ev-waiter', workerData: { scenario: 'waiter', go, ack, rounds, seed: 1 } }),
      workers.start(fixture, { name: 'ev-setter', workerData: { scenario: 'setter', go: go.handle(), ack: ack.handle(), rounds, seed: 2 } }),
    ];
    await Promise.all(ws.map((w) => w.result(15000)));
    assert.equal(go.isSet(), false);
    assert.equal(ack.isSet(), false);
  });

  it('set() wakes every waiting worker, and later waits return at once until clear()', async function () {
    const ev = new Event();
    const ws = [0, 1, 2].map((i) => workers.start(fixture, { name: `ev-${i}`, workerData: { scenario: 'waitOnce', event: ev, timeoutMs: 5000 } }));
    await Promise.all(ws.map((w) => w.next('waiting')));
    await delay(30);
    ev.set();
    for (const r of await Promise.all(ws.map((w) => w.result<{ ok: boolean }>()))) assert.equal(r.ok, true);
    assert.equal(ev.wait(0), true);
    ev.clear();
    assert.equal(ev.isSet(), false);
    assert.equal(ev.wait(0), false);
  });

  it('wait(timeout) returns false after the timeout when nobody sets it', async function () {
    const ev = new Event();
    const t0 = performance.now();
    assert.equal(ev.wait(50), false);
    assert.ok(performance.now() - t0 >= 49);
    const w = workers.start(fixture, { workerData: { scenario: 'waitOnce', event: ev, timeoutMs: 70 } });
    const r = await w.result<{ ok: boolean; elapsed: number }>();
    assert.equal(r.ok, false);
    assert.ok(r.elapsed >= 69, `worker wait returned after ${r.elapsed.toFixed(1)} ms`);
  });

  it('waitAsync on the main thread is woken by a worker, and times out otherwise', async function () {
    const ev = new Event();
    const w = workers.start(fixture, { workerData: { scenario: 'setLater', event: ev, afterMs: 50 } });
    assert.equal(await ev.waitAsync(5000), true);
    await w.result();
    ev.clear();
    const t0 = performance.now();
    assert.equal(await ev.waitAsync(60), false);
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 59 && elapsed < 3000, `waitAsync(60) took ${elapsed.toFixed(1)} ms`);
  });

  it('rejects invalid timeouts', function () {
    const ev = new Event();
    assert.throws(() => ev.wait(Number.NaN), (err: unknown) => (err as ShakedownError).code === 'ERR_INVALID_TIMEOUT');
  });
});

/**
 * Barrier edge cases the one-word state fixes: a break during the last
 * arrival's action is not followed by a release, the action cannot be skipped
 * by a thread that attached without it, and parties fit the arrival counter.
 */
import assert from 'node:assert/strict';
import { Barrier, BrokenBarrierError } from '@shakedown/primitives';
import { Workers, waitUntil } from '../helpers/workers.js';
import { codeOf } from '../helpers/errors.js';

const fixture = new URL('./fixtures/barrier-worker.js', import.meta.url);

describe('Barrier edge cases', function () {
  this.timeout(20000);
  const workers = new Workers();
  afterEach(() => workers.terminateAll());

  it('an abort() during the action is not followed by a release: the last arrival gets BrokenBarrierError', function () {
    const barrier: Barrier = new Barrier(1, { action: () => barrier.abort() });
    assert.throws(() => barrier.wait(1000), (err: unknown) => err instanceof BrokenBarrierError);
    assert.equal(barrier.generation, 0, 'the broken generation was not counted as completed');
    assert.equal(barrier.broken, true);
  });

  it('a reset() during the action leaves the new generation whole when the action then throws', function () {
    const barrier: Barrier = new Barrier(1, {
      action: () => {
        barrier.reset();
        throw new Error('action failed after a reset');
      },
    });
    assert.throws(() => barrier.wait(1000), /action failed after a reset/);
    assert.equal(barrier.broken, false, 'the generation the reset started is not broken by the old one\'s action');
    assert.equal(barrier.generation, 0);
  });

  it('a thread that waits without the action another thread gave breaks the barrier with ERR_BARRIER_ACTION_MISSING', async function () {
    let ran = 0;
    const barrier = new Barrier(2, { action: () => ran++ });
    // The worker attaches without an action: were it the last to arrive, the generation would skip it.
    const w = workers.start(fixture, { name: 'no-action', workerData: { scenario: 'waitOnce', barrier, timeoutMs: 30_000 } });
    assert.deepEqual(await w.result<{ code: string }>().then((r) => r.code), 'ERR_BARRIER_ACTION_MISSING');
    assert.equal(barrier.broken, true, 'the others are not left waiting for it');
    await assert.rejects(barrier.waitAsync(1000), (err: unknown) => err instanceof BrokenBarrierError);
    assert.equal(ran, 0);
  });

  it('an action given only when attaching runs once per generation, whoever arrives last', async function () {
    // Created without an action in this thread; the worker attaches with a throwing one, so this
    // thread must have one too: it arrives with it here and the action runs in exactly one of them.
    let ranHere = 0;
    const handle = new Barrier(2).handle();
    const w = workers.start(fixture, { name: 'with-action', workerData: { scenario: 'waitOnce', barrier: handle, timeoutMs: 30_000, actionThrows: true } });
    const mine = Barrier.from(handle, { action: () => ranHere++ });
    await waitUntil(() => mine.waiting === 1, 8000, 'the worker waits');
    const index = await mine.waitAsync(8000);
    assert.equal(index, 1, 'this thread arrived last');
    assert.equal(ranHere, 1);
    assert.deepEqual((await w.result<{ index: number }>()).index, 0);
  });

  it('reset() wakes a waiter with BrokenBarrierError well before its own 30 s timeout, then the barrier works again', async function () {
    const barrier = new Barrier(2);
    const w = workers.start(fixture, { name: 'waiter', workerData: { scenario: 'waitOnce', barrier, timeoutMs: 30_000 } });
    await waitUntil(() => barrier.waiting === 1, 8000, 'the worker waits');
    barrier.reset();
    // The result wait (8 s) is far below the worker's 30 s: only a real wake-up passes.
    assert.equal((await w.result<{ code: string }>()).code, 'ERR_BARRIER_BROKEN');
    assert.equal(barrier.broken, false);
    assert.equal(barrier.waiting, 0);
    const again = workers.start(fixture, { name: 'again', workerData: { scenario: 'waitOnce', barrier, timeoutMs: 30_000 } });
    await waitUntil(() => barrier.waiting === 1, 8000, 'the second worker waits');
    assert.equal(await barrier.waitAsync(8000), 1);
    assert.equal((await again.result<{ index: number }>()).index, 0);
    assert.equal(barrier.generation, 1);
  });

  it('parties must fit the 15-bit arrival counter', function () {
    assert.equal(new Barrier(32767).parties, 32767);
    assert.equal(codeOf(() => new Barrier(32768)), 'ERR_INVALID_ARG');
  });
});

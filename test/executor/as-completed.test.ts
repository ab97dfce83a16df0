/**
 * asCompleted and wait (Python's as_completed and wait) over futures settled by hand, in orders a
 * property test draws, and over an executor's futures held on gates: each future yielded once, in
 * completion order after those already done; timeouts; FIRST_COMPLETED, FIRST_EXCEPTION and
 * ALL_COMPLETED.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, Future, ThreadPoolExecutor, asCompleted, wait } from 'shakedown';
import { ShakedownError } from '@shakedown/primitives';
import { withTimeout } from '../helpers/workers.js';

const MODULE = new URL('./fixtures/pool-targets.js', import.meta.url);
const WAIT_MS = 10_000;

function settle(f: Future<number>, how: 'value' | 'error' | 'cancel', v: number): void {
  if (how === 'cancel') f.cancel();
  else if (how === 'error') f.setException(new Error(`e${v}`));
  else f.setResult(v);
}

async function codeOfRejection(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await withTimeout(p, WAIT_MS, 'a rejection');
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('asCompleted and wait', function () {
  this.timeout(60_000);

  it('asCompleted yields every future exactly once: those already done first (in the order given), then in completion order; duplicates once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            preDone: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
            order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
            how: fc.array(fc.constantFrom('value' as const, 'error' as const, 'cancel' as const), { minLength: n, maxLength: n }),
            dupes: fc.array(fc.nat({ max: n - 1 }), { maxLength: 3 }),
          }),
        ),
        async ({ n, preDone, order, how, dupes }) => {
          const fs = Array.from({ length: n }, () => new Future<number>());
          for (let i = 0; i < n; i++) if (preDone[i]) settle(fs[i]!, how[i]!, i);
          const it = asCompleted([...fs, ...dupes.map((d) => fs[d]!)]);
          const yielded: number[] = [];
          const reading = (async () => {
            for await (const f of it) yielded.push(fs.indexOf(f));
          })();
          const later = order.filter((i) => !preDone[i]);
          for (const i of later) {
            await new Promise((r) => setImmediate(r));
            settle(fs[i]!, how[i]!, i);
          }
          await withTimeout(reading, WAIT_MS, 'asCompleted to end');
          const expected = [...[...Array(n).keys()].filter((i) => preDone[i]), ...later];
          assert.deepEqual(yielded, expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('asCompleted takes a Map keyed by futures (the notes\' future-to-url map), and rejects with ERR_TIMEOUT when the next is late', async () => {
    const a = new Future<number>();
    const b = new Future<number>();
    const byUrl = new Map([
      [a, 'https://a.example'],
      [b, 'https://b.example'],
    ]);
    a.setResult(1);
    const it = asCompleted(byUrl, { timeoutMs: 30 });
    assert.equal((await it.next()).value, a);
    assert.equal(await codeOfRejection(it.next()), 'ERR_TIMEOUT');
    assert.equal((await it.next()).done, true, 'ended after the timeout');
    assert.equal(await codeOfRejection(Promise.resolve().then(() => asCompleted([], { timeoutMs: -5 }))), 'ERR_INVALID_TIMEOUT');
  });

  it('asCompleted over an executor: the future whose gate opens first comes first', async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    try {
      const marks = new SharedArrayBuffer(8);
      const gates = [new SharedArrayBuffer(4), new SharedArrayBuffer(4)];
      const fs = [0, 1].map((i) => ex.submit<number>({ module: MODULE, target: 'markAndHold' }, marks, i, gates[i]));
      const it = asCompleted(fs, { timeoutMs: WAIT_MS });
      const open = (i: number): void => {
        Atomics.store(new Int32Array(gates[i]!), 0, 1);
        Atomics.notify(new Int32Array(gates[i]!), 0);
      };
      open(1);
      assert.equal((await it.next()).value, fs[1]);
      open(0);
      assert.equal((await it.next()).value, fs[0]);
      assert.equal((await it.next()).done, true);
    } finally {
      await ex.shutdown();
    }
  });

  it('wait: FIRST_COMPLETED, FIRST_EXCEPTION (a cancel is not an exception), ALL_COMPLETED, and a timeout that returns what is not done', async () => {
    const [a, b, c] = [new Future(), new Future(), new Future()];
    const first = wait([a, b, c], { returnWhen: FIRST_COMPLETED });
    b.setResult(2);
    const r1 = await withTimeout(first, WAIT_MS, 'FIRST_COMPLETED');
    assert.deepEqual([...r1.done], [b]);
    assert.deepEqual([...r1.notDone], [a, c]);

    const exc = wait([a, b, c], { returnWhen: FIRST_EXCEPTION });
    let returned = false;
    void exc.then(() => (returned = true));
    a.cancel();
    await new Promise((r) => setImmediate(r));
    assert.equal(returned, false, 'a cancelled future is not an exception');
    c.setException(new Error('boom'));
    const r2 = await withTimeout(exc, WAIT_MS, 'FIRST_EXCEPTION');
    assert.equal(r2.done.size, 3);

    const [d, e] = [new Future(), new Future()];
    const r3 = await wait([d, e], { timeoutMs: 20, returnWhen: ALL_COMPLETED });
    assert.equal(r3.done.size, 0);
    assert.equal(r3.notDone.size, 2);
    const all = wait([d, e]);
    d.setResult(1);
    e.setResult(2);
    assert.equal((await withTimeout(all, WAIT_MS, 'ALL_COMPLETED')).done.size, 2);
    await assert.rejects(wait([d], { returnWhen: 'SOMETIMES' as typeof ALL_COMPLETED }), /returnWhen must be/);
  });

  it('asCompleted answers several next() calls made without awaiting, in completion order; a timeout of 2^31 ms is kept', async () => {
    const [a, b] = [new Future<number>(), new Future<number>()];
    const it = asCompleted([a, b], { timeoutMs: 2 ** 31 });
    const first = it.next();
    const second = it.next();
    const third = it.next();
    await new Promise((r) => setTimeout(r, 20));
    b.setResult(2);
    a.setResult(1);
    assert.equal((await withTimeout(first, WAIT_MS, 'first')).value, b);
    assert.equal((await withTimeout(second, WAIT_MS, 'second')).value, a);
    assert.equal((await withTimeout(third, WAIT_MS, 'third')).done, true);
  });

  it('bad input is ShakedownError ERR_INVALID_ARG naming what was expected (it was a bare TypeError without a code)', async () => {
    const refused = (e: unknown, re: RegExp): boolean => e instanceof ShakedownError && e.code === 'ERR_INVALID_ARG' && re.test(e.message);
    const f = new Future();
    assert.throws(() => asCompleted([1, 2] as unknown as Future[]), (e) => refused(e, /^asCompleted's futures\[0\] must be a Future \(from submit, or new Future\(\)\), got 1$/));
    assert.throws(() => asCompleted(null as unknown as Future[]), (e) => refused(e, /^asCompleted's futures must be an iterable of Futures \(or a Map keyed by Futures\), got null$/));
    assert.throws(() => asCompleted([f], null as unknown as object), (e) => refused(e, /^asCompleted options must be an object, got null$/));
    await assert.rejects(wait(null as unknown as Future[]), (e) => refused(e, /^wait's futures must be an iterable of Futures/));
    await assert.rejects(wait([f, 'x' as unknown as Future]), (e) => refused(e, /^wait's futures\[1\] must be a Future .*, got "x"$/));
    await assert.rejects(wait([f], { returnWhen: 'FIRST' as typeof ALL_COMPLETED }), (e) => refused(e, /^wait returnWhen must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED .*, got "FIRST"$/));
    await assert.rejects(wait([f], 5 as unknown as object), (e) => refused(e, /^wait options must be an object, got 5$/));
  });
});

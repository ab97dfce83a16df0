/**
 * ThreadPoolExecutor and Future (Python's concurrent.futures): submit and await, result/exception
 * with timeouts, done/running/cancelled, cancel() true only for work that never ran, done
 * callbacks, map in input order, shutdown with wait and cancelFutures, `await using`, the
 * initializer and a broken pool, a worker that exits mid-task, thread names, and bad input.
 * Timing is never asserted: where order matters the work is held on gates the test opens.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Future, ThreadPoolExecutor, BrokenExecutorError, CancelledError, type TargetRef } from 'shakedown';
import { ShakedownError, TASK_RUNNING } from '@shakedown/primitives';
import { withTimeout, waitUntil } from '../helpers/workers.js';

const MODULE = new URL('./fixtures/pool-targets.js', import.meta.url);
const t = (target: string): TargetRef => ({ module: MODULE, target });
const WAIT_MS = 10_000;

/** Shared words: marks[i] counts runs of task i; gate[0] opens held tasks. */
function words(n: number): { sab: SharedArrayBuffer; marks: Int32Array } {
  const sab = new SharedArrayBuffer(4 * n);
  return { sab, marks: new Int32Array(sab) };
}

function gate(): { sab: SharedArrayBuffer; open(): void } {
  const sab = new SharedArrayBuffer(4);
  const i32 = new Int32Array(sab);
  return {
    sab,
    open() {
      Atomics.store(i32, 0, 1);
      Atomics.notify(i32, 0);
    },
  };
}

/** Collects what is written to this process's stderr (a pool worker's console.error arrives there), instead of writing it, until restore(). */
function captureStderr(): { text(): string; restore(): void } {
  const chunks: string[] = [];
  // Its own property, if it had one (else the stream's method), is put back by restore().
  const own = Object.getOwnPropertyDescriptor(process.stderr, 'write');
  process.stderr.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    // Kept out of the test's output; a write callback is still called, as a stream would.
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    if (done !== undefined) process.nextTick(done);
    return true;
  };
  return {
    text: () => chunks.join(''),
    restore: () => {
      if (own !== undefined) Object.defineProperty(process.stderr, 'write', own);
      else delete (process.stderr as { write?: unknown }).write;
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await withTimeout(p, WAIT_MS, 'a settled future');
  } catch (err) {
    return err as Error & { code?: string };
  }
  assert.fail('expected a rejection');
}

describe('ThreadPoolExecutor and Future', function () {
  this.timeout(60_000);
  let ex: ThreadPoolExecutor;
  afterEach(async () => {
    await ex?.shutdown({ wait: true, cancelFutures: true });
  });

  it('submit runs an exported function with its args; result() gives the value, then done, result() and exception() read it', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    const f = ex.submit<number>(t('add'), 2, 3);
    assert.equal(await f.result(WAIT_MS), 5);
    assert.equal(f.done(), true);
    assert.equal(f.running(), false);
    assert.equal(f.cancelled(), false);
    assert.equal(await f.result(), 5);
    assert.equal(await f.exception(), undefined);
    assert.equal(String(f), '<Future state=finished returned>');
    assert.equal(await ex.submit({ module: fileURLToPath(MODULE) }, 7).result(), 49, 'the default export, by path');
  });

  it('what the work threw: name, message and code; exception() returns it and result() rejects with it', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const f = ex.submit(t('fails'), 'here');
    const err = await rejection(f.result());
    assert.equal(err.name, 'RangeError');
    assert.equal(err.code, 'E_PLANTED');
    assert.equal(err.message, 'planted: here');
    const e = (await f.exception()) as Error & { code?: string };
    assert.equal(e.code, 'E_PLANTED');
    assert.equal(String(f), '<Future state=finished raised>');
  });

  it('running() while the work runs; cancel() is false then and true for queued work, which never runs', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const { sab, marks } = words(2);
    const g = gate();
    const first = ex.submit(t('markAndHold'), sab, 0, g.sab);
    const second = ex.submit(t('markAndHold'), sab, 1, g.sab);
    await waitUntil(() => Atomics.load(marks, 0) === 1, WAIT_MS, 'the first task to start');
    assert.equal(first.running(), true);
    assert.equal(Atomics.load(first.state, 0), TASK_RUNNING);
    assert.equal(first.cancel(), false, 'running work cannot be cancelled');
    assert.equal(second.running(), false);
    assert.equal(second.cancel(), true, 'queued work can');
    assert.equal(second.cancel(), true, 'and stays cancelled');
    assert.equal(second.done(), true);
    assert.equal(second.cancelled(), true);
    assert.ok((await rejection(second.result())) instanceof CancelledError);
    assert.equal((await rejection(second.exception())).code, 'ERR_FUTURE_CANCELLED');
    g.open();
    assert.equal(await first.result(), 0);
    assert.equal(first.cancel(), false, 'finished work cannot be cancelled');
    await ex.shutdown({ wait: true });
    assert.equal(Atomics.load(marks, 1), 0, 'the cancelled task never ran, although the worker became free');
  });

  it('result(timeout) rejects with ERR_TIMEOUT while the work runs, and the future still finishes', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const { sab } = words(1);
    const g = gate();
    const f = ex.submit(t('markAndHold'), sab, 0, g.sab);
    assert.equal((await rejection(f.result(20))).code, 'ERR_TIMEOUT');
    assert.equal((await rejection(f.exception(0))).code, 'ERR_TIMEOUT');
    g.open();
    assert.equal(await f.result(WAIT_MS), 0);
    assert.equal((await rejection(f.result(-1))).code, 'ERR_INVALID_TIMEOUT');
  });

  it('done callbacks run once, in the order added, at once when already done; one that throws is printed and skipped', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const g = gate();
    const { sab } = words(1);
    const f = ex.submit(t('markAndHold'), sab, 0, g.sab);
    const calls: string[] = [];
    const printed: unknown[][] = [];
    const error = console.error;
    console.error = (...a: unknown[]) => printed.push(a);
    try {
      f.addDoneCallback((x) => calls.push(`a:${x === f}`));
      f.addDoneCallback(() => {
        throw new Error('callback fails');
      });
      f.addDoneCallback(() => calls.push('c'));
      g.open();
      await f.result();
      f.addDoneCallback(() => calls.push('late'));
    } finally {
      console.error = error;
    }
    assert.deepEqual(calls, ['a:true', 'c', 'late']);
    assert.equal(printed.length, 1);
    assert.match(String(printed[0]![0]), /exception calling callback for <Future state=finished returned>/);
  });

  it('map yields results in input order and rejects at the first item that failed, cancelling the rest', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    const got: number[] = [];
    for await (const r of ex.map<number>(t('default'), [1, 2, 3, 4])) got.push(r);
    assert.deepEqual(got, [1, 4, 9, 16]);
    // Item 3 fails at once, item 1 (earlier) fails later: the iteration fails at item 1, in order.
    const seen: number[] = [];
    const err = await rejection(
      (async () => {
        for await (const r of ex.map<number>(t('evenOnly'), [0, 1, 2, 3])) seen.push(r);
      })(),
    );
    assert.deepEqual(seen, [0]);
    assert.equal(err.message, 'odd 1');
  });

  it('map with timeoutMs rejects with ERR_TIMEOUT when a result is late', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const g = gate();
    const { sab } = words(2);
    const it = ex.map({ module: MODULE, target: 'holdItem' }, [{ sab, gate: g.sab }], { timeoutMs: 30 });
    assert.equal((await rejection(it.next())).code, 'ERR_TIMEOUT');
    g.open();
  });

  it('shutdown({ wait: true }) resolves only after every accepted task ended; then submit is ERR_EXECUTOR_SHUTDOWN', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    const { sab, marks } = words(3);
    const g = gate();
    const fs = [0, 1, 2].map((i) => ex.submit(t('markAndHold'), sab, i, g.sab));
    await waitUntil(() => Atomics.load(marks, 0) + Atomics.load(marks, 1) === 2, WAIT_MS, 'two tasks to start');
    let resolved = false;
    const closing = ex.shutdown({ wait: true }).then(() => (resolved = true));
    assert.throws(() => ex.submit(t('add'), 1, 2), (e: Error & { code?: string }) => e.code === 'ERR_EXECUTOR_SHUTDOWN');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(resolved, false, 'work is still held');
    g.open();
    await withTimeout(closing, WAIT_MS, 'shutdown');
    assert.deepEqual([...marks], [1, 1, 1], 'the queued task ran too');
    assert.ok(fs.every((f) => f.done() && !f.cancelled()));
  });

  it('shutdown({ cancelFutures: true }) cancels queued work; { wait: false } returns at once and the running work still finishes', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const { sab, marks } = words(3);
    const g = gate();
    const fs = [0, 1, 2].map((i) => ex.submit(t('markAndHold'), sab, i, g.sab));
    await waitUntil(() => Atomics.load(marks, 0) === 1, WAIT_MS, 'the first task to start');
    await withTimeout(ex.shutdown({ wait: false, cancelFutures: true }), WAIT_MS, 'shutdown without wait');
    assert.equal(fs[0]!.done(), false);
    assert.deepEqual(
      fs.slice(1).map((f) => f.cancelled()),
      [true, true],
    );
    g.open();
    assert.equal(await fs[0]!.result(), 0);
    assert.deepEqual([...marks], [1, 0, 0]);
  });

  it('await using shuts the executor down at the end of the block, after its work', async () => {
    let f: Future | undefined;
    {
      await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
      f = pool.submit(t('later'), 30, 'v');
    }
    assert.equal(f.done(), true, 'disposal waited for the work');
    assert.equal(await f.result(), 'v');
  });

  it('an initializer runs in each worker before its first task, with its args', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 2, initializer: { module: MODULE, target: 'init', args: [{ seed: 7 }] } });
    const got = await Promise.all([0, 1, 2, 3].map(() => ex.submit(t('initialized')).result()));
    assert.deepEqual(got, [{ seed: 7 }, { seed: 7 }, { seed: 7 }, { seed: 7 }]);
  });

  it('an initializer that throws breaks the executor: its task and queued work fail with ERR_EXECUTOR_BROKEN, and so does submit', async () => {
    const printed: unknown[][] = [];
    const error = console.error;
    console.error = (...a: unknown[]) => printed.push(a);
    try {
      ex = new ThreadPoolExecutor({ maxWorkers: 1, initializer: { module: MODULE, target: 'initFails' } });
      const fs = [ex.submit(t('add'), 1, 2), ex.submit(t('add'), 3, 4)];
      for (const f of fs) {
        const err = await rejection(f.result());
        assert.ok(err instanceof BrokenExecutorError);
        assert.equal(err.code, 'ERR_EXECUTOR_BROKEN');
        assert.match(err.message, /initializer failed \(TypeError: planted initializer failure\)/);
      }
      assert.throws(() => ex.submit(t('add'), 1, 2), (e: Error & { code?: string }) => e.code === 'ERR_EXECUTOR_BROKEN');
    } finally {
      console.error = error;
    }
    assert.ok(printed.some((a) => /Exception in initializer of ThreadPoolExecutor-\d+/.test(String(a[0]))));
  });

  it('a worker that exits mid-task fails that future with ERR_EXECUTOR_WORKER_EXITED; the pool replaces it and goes on', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const dying = ex.submit(t('exits'), 3);
    const queued = ex.submit(t('add'), 20, 22);
    const err = await rejection(dying.result());
    assert.equal(err.code, 'ERR_EXECUTOR_WORKER_EXITED');
    assert.match(err.message, /exited \(code 3\)/);
    assert.equal(await queued.result(WAIT_MS), 42);
    assert.equal(await ex.submit(t('add'), 1, 1).result(), 2);
  });

  it('workers are named threadNamePrefix_N (what the logger shows)', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 2, threadNamePrefix: 'downloader' });
    const names = await Promise.all([0, 1, 2, 3].map(() => ex.submit<string>(t('threadName')).result()));
    for (const n of names) assert.match(n, /^downloader_[01]$/);
    const d = new ThreadPoolExecutor({ maxWorkers: 1 });
    try {
      assert.match(await d.submit<string>(t('threadName')).result(), /^ThreadPoolExecutor-\d+_0$/);
    } finally {
      await d.shutdown();
    }
  });

  it('a thrown value that cannot be read (a getter that throws, a Proxy whose traps throw) fails its future with ERR_THREAD_THROWN_UNREADABLE; the worker is not lost', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const name = await ex.submit<string>(t('threadName')).result(WAIT_MS);
    const getter = await rejection(ex.submit(t('throwsUnreadable'), 'message').result());
    assert.deepEqual([getter.name, getter.code], ['ShakedownError', 'ERR_THREAD_THROWN_UNREADABLE'], getter.message);
    assert.match(getter.message, /^the target threw an Error that could not be read: its message \(reading it threw Error: getter boom\).*; read: name "Error"$/);
    const proxy = await rejection(ex.submit(t('throwsHostileProxy')).result());
    assert.equal(proxy.code, 'ERR_THREAD_THROWN_UNREADABLE', proxy.message);
    assert.match(proxy.message, /whether it is an Error \(reading it threw Error: trap boom\)/);
    assert.equal(await ex.submit<string>(t('threadName')).result(WAIT_MS), name, 'the same worker runs on (none was replaced)');
  });

  it('bad input: a malformed target, args that cannot be copied, a bad maxWorkers are thrown with codes; a missing export or an uncopyable result fail the future', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return undefined;
    };
    assert.equal(code(() => ex.submit((() => 1) as unknown as TargetRef)), 'ERR_INVALID_ARG');
    assert.equal(code(() => ex.submit({ module: '' })), 'ERR_INVALID_ARG');
    assert.equal(code(() => ex.submit({ module: MODULE, target: '' })), 'ERR_INVALID_ARG');
    assert.equal(code(() => ex.submit(t('add'), () => 1)), 'ERR_THREAD_ARGS');
    assert.equal(code(() => new ThreadPoolExecutor({ maxWorkers: 0 })), 'ERR_INVALID_ARG');
    assert.equal(code(() => new ThreadPoolExecutor({ threadNamePrefix: '' })), 'ERR_INVALID_ARG');
    assert.equal((await rejection(ex.submit(t('notAFunction')).result())).code, 'ERR_THREAD_TARGET');
    assert.equal((await rejection(ex.submit(t('nothingHere')).result())).code, 'ERR_THREAD_TARGET');
    assert.equal((await rejection(ex.submit(t('returnsFunction')).result())).code, 'ERR_THREAD_RESULT');
    assert.equal(await ex.submit(t('add'), 1, 2).result(), 3, 'the worker survived all of it');
  });

  it('bad input to map, shutdown and the initializer is ERR_INVALID_ARG naming what was expected (items that are not iterable were a bare TypeError; initializer args that are not an array were spread or broke the pool)', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const refused = (e: unknown, re: RegExp): boolean => e instanceof ShakedownError && e.code === 'ERR_INVALID_ARG' && re.test(e.message);
    assert.throws(() => ex.map(t('add'), 5 as unknown as number[]), (e) => refused(e, /^map items must be an iterable of the arguments, one per call .*, got 5$/));
    assert.throws(() => ex.map(t('add'), null as unknown as number[]), (e) => refused(e, /^map items must be an iterable .*, got null$/));
    assert.throws(() => ex.map(t('add'), [1], null as unknown as object), (e) => refused(e, /^map options must be an object, got null$/));
    await assert.rejects(ex.shutdown(null as unknown as object), (e) => refused(e, /^shutdown options must be an object, got null$/));
    for (const args of ['x', 5, { 0: 1 }]) {
      assert.throws(
        () => new ThreadPoolExecutor({ maxWorkers: 1, initializer: { module: MODULE, target: 'init', args: args as unknown as unknown[] } }),
        (e) => refused(e, /^the initializer's args must be an array \(the arguments of each call\), got /),
        JSON.stringify(args),
      );
    }
    assert.equal(await ex.submit(t('add'), 1, 2).result(WAIT_MS), 3, 'the executor is untouched by the refused calls');
  });

  it('terminate() ends work that never finishes (a promise that never settles, a busy loop): every unfinished future fails with ERR_EXECUTOR_TERMINATED, a pending shutdown resolves, submit is refused', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    const { sab, marks } = words(2);
    const never = ex.submit(t('markThenNeverSettle'), sab, 0);
    const busy = ex.submit(t('markThenSpin'), sab, 1, 60_000);
    const queued = ex.submit(t('add'), 1, 2);
    const done = ex.submit(t('add'), 3, 4);
    await waitUntil(() => Atomics.load(marks, 0) === 1 && Atomics.load(marks, 1) === 1, WAIT_MS, 'both endless tasks to start');
    // Before terminate() existed this waited forever (as Python's shutdown(wait=True) does).
    const closing = ex.shutdown({ wait: true });
    await withTimeout(ex.terminate(), WAIT_MS, 'terminate');
    for (const [what, f] of [['never settles', never], ['busy loop', busy], ['queued', queued]] as const) {
      const err = await rejection(f.result());
      assert.equal(err.code, 'ERR_EXECUTOR_TERMINATED', `${what}: ${err.message}`);
      assert.match(err.message, /^terminate\(\) of ThreadPoolExecutor-\d+ ended the pool before this task finished$/);
    }
    assert.ok(done.done(), 'every future is settled');
    await withTimeout(closing, WAIT_MS, 'the shutdown that waited');
    assert.throws(() => ex.submit(t('add'), 1, 2), (e: Error & { code?: string }) => e.code === 'ERR_EXECUTOR_SHUTDOWN');
    await withTimeout(ex.terminate(), WAIT_MS, 'a second terminate');
  });

  it('a process whose task never settles ends by itself after shutdown({ wait: false, cancelFutures: true }) and terminate()', () => {
    const script = fileURLToPath(new URL('./fixtures/terminate-main.js', import.meta.url));
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 0, `ended with ${run.status} ${run.signal ?? ''}: ${run.stderr}`);
    assert.equal(run.stdout, 'future: ERR_EXECUTOR_TERMINATED\n');
  });

  it('a Future made by hand follows the executor-side protocol (setRunningOrNotifyCancel, setResult, setException) and settles once', async () => {
    const a = new Future<number>();
    assert.equal(a.setRunningOrNotifyCancel(), true);
    assert.equal(a.running(), true);
    assert.equal(a.cancel(), false);
    assert.equal(a.setResult(1), true);
    assert.equal(a.setResult(2), false);
    assert.equal(a.setException(new Error('late')), false);
    assert.equal(await a.result(), 1);
    const b = new Future();
    assert.equal(b.cancel(), true);
    assert.equal(b.setRunningOrNotifyCancel(), false, 'a cancelled future must not run');
    assert.equal(b.setResult(1), false);
    assert.ok((await rejection(b.result())) instanceof CancelledError);
    ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  });

  it('what a finished target leaves behind (an unhandled rejection, a timer that throws) is printed as in its pool thread, fails no future, and the worker runs on', async () => {
    const stderr = captureStderr();
    try {
      ex = new ThreadPoolExecutor({ maxWorkers: 1, threadNamePrefix: 'leftovers' });
      const name = await ex.submit<string>(t('threadName')).result(WAIT_MS);
      assert.equal(await ex.submit(t('leavesRejection')).result(WAIT_MS), 'returned');
      // Queued at once behind it, on the same worker: before the fix, one of them (or the task that
      // returned) failed with ERR_EXECUTOR_WORKER_EXITED "(Error: planted: a rejection the target left)".
      const next = await Promise.allSettled([0, 1, 2, 3].map((i) => ex.submit(t('add'), i, 100).result(WAIT_MS)));
      assert.deepEqual(
        next.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason))),
        [100, 101, 102, 103],
      );
      await waitUntil(() => /Exception in thread leftovers_0 \(an unhandled rejection left by the task leavesRejection, which had ended[^)]*\):.*planted: a rejection the target left/s.test(stderr.text()), WAIT_MS, 'the rejection to be printed');
      // The timer throws 10 ms after its target returned, between tasks (nothing else is submitted until it was printed).
      assert.equal(await ex.submit(t('leavesThrowingTimer'), 10).result(WAIT_MS), 'returned');
      await waitUntil(() => /Exception in thread leftovers_0 \(an uncaught exception left by the task leavesThrowingTimer, which had ended[^)]*\):.*planted: a timer the target left/s.test(stderr.text()), WAIT_MS, 'the throw to be printed');
      assert.equal(await ex.submit(t('later'), 100, 'innocent').result(WAIT_MS), 'innocent', 'the next task is not failed by it');
      assert.equal(await ex.submit<string>(t('threadName')).result(WAIT_MS), name, 'the same worker runs on (none died or was replaced)');
    } finally {
      stderr.restore();
    }
  });

  it('a throw outside the call while the task runs (a callback it awaits) fails that task with what was thrown, instead of leaving it pending; the worker runs on', async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 1, threadNamePrefix: 'awaits' });
    const name = await ex.submit<string>(t('threadName')).result(WAIT_MS);
    const f = ex.submit(t('awaitsThrowingCallback'), 5);
    const thrown = await rejection(f.result(WAIT_MS));
    assert.match(String((thrown as Error).message), /planted: the callback this target awaited threw/, String(thrown));
    assert.notEqual((thrown as { code?: string }).code, 'ERR_TIMEOUT', 'settled, not pending until the timeout');
    assert.equal(await ex.submit(t('add'), 1, 2).result(WAIT_MS), 3);
    assert.equal(await ex.submit<string>(t('threadName')).result(WAIT_MS), name, 'the same worker runs on');
  });

  it("a timer an earlier task left, firing while the next task runs, is printed and does not fail that task (attributed by async context, not by time); the task's own callback still fails it", async () => {
    const stderr = captureStderr();
    try {
      ex = new ThreadPoolExecutor({ maxWorkers: 1, threadNamePrefix: 'blame' });
      const { sab, marks } = words(2);
      const leaver = ex.submit(t('leavesTimerThrowingDuringNext'), sab);
      const innocent = ex.submit(t('markThenAwaitLeftover'), sab);
      assert.equal(await leaver.result(WAIT_MS), 'returned');
      // Before the fix: rejected with "planted: a timer an earlier run left".
      assert.equal(await innocent.result(WAIT_MS), 'innocent');
      assert.equal(Atomics.load(marks, 1), 1, 'the leftover fired while the next task ran');
      await waitUntil(() => /Exception in thread blame_0 \(an uncaught exception left by the task leavesTimerThrowingDuringNext, which had ended; no future is failed by it\):.*planted: a timer an earlier run left/s.test(stderr.text()), WAIT_MS, 'the leftover to be printed');
      const own = await rejection(ex.submit(t('awaitsThrowingCallback'), 5).result(WAIT_MS));
      assert.match(own.message, /planted: the callback this target awaited threw/, 'a callback the task itself awaits still fails it');
    } finally {
      stderr.restore();
    }
  });

  it("a timer the initializer left, firing while the first task runs, is printed and does not fail that task", async () => {
    const stderr = captureStderr();
    try {
      const { sab, marks } = words(2);
      ex = new ThreadPoolExecutor({ maxWorkers: 1, threadNamePrefix: 'initleft', initializer: { module: MODULE, target: 'leavesTimerThrowingDuringNext', args: [sab] } });
      // Before the fix: rejected with "planted: a timer an earlier run left".
      assert.equal(await ex.submit(t('markThenAwaitLeftover'), sab).result(WAIT_MS), 'innocent');
      assert.equal(Atomics.load(marks, 1), 1, 'the leftover fired while the first task ran');
      await waitUntil(() => /Exception in thread initleft_0 \(an uncaught exception left by the initializer leavesTimerThrowingDuringNext, which had ended[^)]*\):.*planted: a timer an earlier run left/s.test(stderr.text()), WAIT_MS, 'the leftover to be printed');
      assert.equal(await ex.submit(t('add'), 1, 2).result(WAIT_MS), 3, 'the executor is not broken');
    } finally {
      stderr.restore();
    }
  });

  it('terminate() of an executor with an initializer (a finished one, a hanging one) fails the futures with ERR_EXECUTOR_TERMINATED only: no "Exception in initializer", not broken', async () => {
    const printed: unknown[][] = [];
    const error = console.error;
    console.error = (...a: unknown[]) => printed.push(a);
    try {
      for (const hangs of [false, true]) {
        const { sab, marks } = words(2);
        ex = hangs
          ? new ThreadPoolExecutor({ maxWorkers: 1, initializer: { module: MODULE, target: 'markThenNeverSettle', args: [sab, 0] } })
          : new ThreadPoolExecutor({ maxWorkers: 1, initializer: { module: MODULE, target: 'init', args: [1] } });
        const fs = hangs ? [ex.submit(t('add'), 1, 2), ex.submit(t('add'), 3, 4)] : [ex.submit(t('markThenNeverSettle'), sab, 0), ex.submit(t('add'), 3, 4)];
        await waitUntil(() => Atomics.load(marks, 0) === 1, WAIT_MS, hangs ? 'the initializer to start' : 'the first task to start');
        await withTimeout(ex.terminate(), WAIT_MS, 'terminate');
        for (const f of fs) assert.equal((await rejection(f.result())).code, 'ERR_EXECUTOR_TERMINATED');
        // Broken, submit would say ERR_EXECUTOR_BROKEN.
        assert.throws(() => ex.submit(t('add'), 1, 2), (e: Error & { code?: string }) => e.code === 'ERR_EXECUTOR_SHUTDOWN', `hangs: ${hangs}`);
      }
    } finally {
      console.error = error;
    }
    assert.deepEqual(printed.map((a) => String(a[0])), [], 'nothing printed');
  });

  it('a process.exit a finished target left in a timer ends its worker between tasks: printed, and a replacement runs the next task', async () => {
    const printed: unknown[][] = [];
    const error = console.error;
    console.error = (...a: unknown[]) => printed.push(a);
    try {
      ex = new ThreadPoolExecutor({ maxWorkers: 1 });
      assert.equal(await ex.submit(t('leavesExit'), 20).result(WAIT_MS), 'returned');
      await waitUntil(() => printed.length > 0, WAIT_MS, 'the leftover exit to be reported');
      assert.match(String(printed[0]![0]), /Exception in a worker of ThreadPoolExecutor-\d+ \(between tasks\)/);
      assert.match(String((printed[0]![1] as Error)?.message), /exited \(code 7\)/);
      assert.equal(await ex.submit(t('later'), 50, 'innocent again').result(WAIT_MS), 'innocent again', 'a replacement worker runs it');
    } finally {
      console.error = error;
    }
  });

  it('an initializer that ends its worker (process.exit) breaks the executor instead of restarting a worker per task', async () => {
    const error = console.error;
    console.error = () => undefined;
    try {
      ex = new ThreadPoolExecutor({ maxWorkers: 1, initializer: { module: MODULE, target: 'initExits' } });
      const fs = [ex.submit(t('add'), 1, 2), ex.submit(t('add'), 3, 4)];
      for (const f of fs) assert.equal((await rejection(f.result())).code, 'ERR_EXECUTOR_BROKEN');
      assert.throws(() => ex.submit(t('add'), 1, 2), (e: Error & { code?: string }) => e.code === 'ERR_EXECUTOR_BROKEN');
    } finally {
      console.error = error;
    }
  });

  it('a timeout of 2^31 ms or more is kept (Node timers cap at 2^31 - 1), and map names itself when it times out', async () => {
    const f = new Future<number>();
    let settled = false;
    const p = f.result(2 ** 31).then(
      (v) => ((settled = true), v),
      (e: unknown) => ((settled = true), e),
    );
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(settled, false, 'still waiting after 30 ms');
    f.setResult(5);
    assert.equal(await p, 5);
    ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const g = gate();
    const { sab } = words(1);
    const err = await rejection(ex.map({ module: MODULE, target: 'holdItem' }, [{ sab, gate: g.sab }], { timeoutMs: 30 }).next());
    assert.equal(err.code, 'ERR_TIMEOUT');
    assert.match(err.message, /^map: item 0 \(of 1\) not done within 30 ms of the call$/);
    g.open();
  });
});

/**
 * Thread (Python's threading.Thread): a module's exported function run in a worker; join() with and
 * without a timeout, synchronous (also inside a worker) and async; result and error after join;
 * isAlive, name, ident, nativeId; listed from start() and joinable through the listing; daemon threads do not keep the process
 * alive; bad input refused or reported with codes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { ShakedownError, Thread, Timer, enumerateThreads } from '@shakedown/primitives';
import { withTimeout } from '../helpers/workers.js';

const TARGETS = new URL('./fixtures/thread-targets.js', import.meta.url);
const JOIN_MS = 10_000;

describe('Thread', function () {
  this.timeout(30_000);

  it("runs a module's exported function with its args; join() returns true, then result, isAlive, name, ident and nativeId", () => {
    const t = new Thread({ module: TARGETS, target: 'add', args: [2, 3], name: 'adder' });
    assert.equal(t.isAlive(), false);
    assert.equal(t.ident, undefined);
    t.start();
    assert.equal(t.name, 'adder');
    assert.ok(Number.isInteger(t.ident) && t.ident! > 0);
    // Listed from start(), before the worker has loaded anything.
    assert.ok(enumerateThreads().some((i) => i.id === t.ident && i.name === 'adder'));
    assert.equal(t.join(JOIN_MS), true);
    assert.equal(t.result, 5);
    assert.equal(t.error, undefined);
    assert.equal(t.isAlive(), false);
    if (process.platform === 'linux') assert.ok(Number.isInteger(t.nativeId) && t.nativeId! > 0 && t.nativeId !== process.pid, `nativeId ${t.nativeId}: an OS thread id of its own`);
    assert.equal(t.join(0), true, 'joining again returns at once');
    assert.equal(t.result, 5);
  });

  it('the default export by default, a path or a URL string, and a default name Thread-N (target)', () => {
    const t = new Thread({ module: fileURLToPath(TARGETS), args: ['ada'] });
    t.start();
    assert.equal(t.join(JOIN_MS), true);
    assert.equal(t.result, 'hello ada');
    assert.match(t.name, /^Thread-\d+ \(default\)$/);
    const u = new Thread({ module: TARGETS.href, target: 'later', args: [20, 'async value'] });
    u.start();
    assert.equal(u.join(JOIN_MS), true);
    assert.equal(u.result, 'async value', 'an async target is awaited');
  });

  it('join(timeout) is false while the target runs, and joinAsync true once it ended', async () => {
    const sab = new SharedArrayBuffer(4);
    const t = new Thread({ module: TARGETS, target: 'waitFor', args: [sab] });
    t.start();
    const t0 = performance.now();
    assert.equal(t.join(50), false);
    assert.ok(performance.now() - t0 >= 49);
    assert.equal(t.isAlive(), true);
    assert.equal(t.result, undefined);
    const i32 = new Int32Array(sab);
    Atomics.store(i32, 0, 1);
    Atomics.notify(i32, 0);
    assert.equal(await withTimeout(t.joinAsync(JOIN_MS), JOIN_MS, 'joinAsync'), true);
    assert.equal(t.result, 1);
    assert.equal(t.isAlive(), false);
  });

  it('what the target threw is the error after join, with its name, message, stack and code', () => {
    const t = new Thread({ module: TARGETS, target: 'fails', args: ['on purpose'] });
    t.start();
    assert.equal(t.join(JOIN_MS), true);
    assert.equal(t.result, undefined);
    const e = t.error as Error & { code?: string };
    assert.deepEqual([e.name, e.message, e.code], ['RangeError', 'planted: on purpose', 'E_PLANTED']);
    assert.match(e.stack ?? '', /fails/);
  });

  it('joins synchronously inside a worker (no event loop turn): a Thread started by a Thread', () => {
    const t = new Thread({ module: TARGETS, target: 'joinsInside', args: [TARGETS.href] });
    t.start();
    assert.equal(t.join(JOIN_MS), true);
    assert.deepEqual(t.result, { ended: true, result: 42, alive: false });
  });

  it('a target that ends the thread (process.exit), returns what cannot be copied, or is not a function: an error with a code, and join returns', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['exits', 'ERR_THREAD_EXITED', /the thread exited \(code 3\) before its target finished/],
      ['returnsFunction', 'ERR_THREAD_RESULT', /cannot be sent to the joining thread/],
      ['notAFunction', 'ERR_THREAD_TARGET', /no exported function "notAFunction" \(found number\)/],
      ['missing', 'ERR_THREAD_TARGET', /no exported function "missing" \(found nothing\)/],
    ];
    for (const [target, code, message] of cases) {
      const t = new Thread({ module: TARGETS, target });
      t.start();
      assert.equal(t.join(JOIN_MS), true, target);
      const e = t.error as Error & { code?: string };
      assert.equal(e.code, code, target);
      assert.match(e.message, message, target);
    }
  });

  it("a target awaiting a callback of its own that throws (outside its call) gets that error as the thread's error, not ERR_THREAD_EXITED", async () => {
    const t = new Thread({ module: TARGETS, target: 'awaitsThrowingCallback', args: [5] });
    t.start();
    assert.equal(await t.joinAsync(JOIN_MS), true);
    const e = t.error as Error & { code?: string };
    // Before the fix: ERR_THREAD_EXITED "... or returned a promise that never settled", the real error printed apart.
    assert.notEqual(e?.code, 'ERR_THREAD_EXITED', e?.message);
    assert.equal(e?.name, 'Error');
    assert.equal(e?.message, 'planted: the callback this target awaited threw');
  });

  it('a target that returns leaving a throwing timer or an interval behind: printed as Python does, the process goes on and ends, the thread unlisted once joined', () => {
    const script = fileURLToPath(new URL('./fixtures/thread-leftovers-main.js', import.meta.url));
    const thrower = spawnSync(process.execPath, [script, 'throwsLater'], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(thrower.status, 0, `ended with ${thrower.status} ${thrower.signal ?? ''}: ${thrower.stderr}`);
    assert.match(thrower.stdout, /result returned; listed after join: false\nalive\n/);
    assert.match(thrower.stderr, /Exception in thread leaver: .*thrown from a timer the target left/s);
    // Without the fix the non-daemon worker's interval keeps the process alive until the limit kills it.
    const lingerer = spawnSync(process.execPath, [script, 'leavesInterval'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(lingerer.status, 0, `ended with ${lingerer.status} ${lingerer.signal ?? ''}: ${lingerer.stderr}`);
    assert.match(lingerer.stdout, /result returned; listed after join: false\nalive\n/);
  });

  it('a thrown value that String() cannot show, or that cannot be copied back, is an error of the target (not of its result)', () => {
    for (const target of ['throwsNullProto', 'throwsSymbol']) {
      const t = new Thread({ module: TARGETS, target });
      t.start();
      assert.equal(t.join(JOIN_MS), true, target);
      const e = t.error as Error & { code?: string };
      assert.deepEqual([e.name, e.code], ['Error', undefined], target);
      assert.match(e.message, /the target threw a non-Error value: (\[object Object\]|Symbol\(odd\))/, target);
    }
  });

  it('a thrown value that cannot be read (a getter that throws, a Proxy whose traps throw) is ERR_THREAD_THROWN_UNREADABLE with what could be read, not the thread exiting', () => {
    const cases: Array<[string, unknown[], RegExp]> = [
      ['throwsUnreadable', ['message'], /^the target threw an Error that could not be read: its message \(reading it threw Error: getter boom\).*; read: name "Error"$/],
      ['throwsUnreadable', ['name'], /^the target threw an Error that could not be read: its name \(reading it threw Error: getter boom\).*; read: message "x"$/],
      ['throwsUnreadable', ['code'], /^the target threw an Error that could not be read: its code \(reading it threw Error: getter boom\); read: name "Error", message "x"$/],
      ['throwsHostileProxy', [], /^the target threw a value that could not be read: whether it is an Error \(reading it threw Error: trap boom\)$/],
    ];
    for (const [target, args, message] of cases) {
      const t = new Thread({ module: TARGETS, target, args });
      t.start();
      assert.equal(t.join(JOIN_MS), true, target);
      const e = t.error as Error & { code?: string };
      assert.deepEqual([e.name, e.code], ['ShakedownError', 'ERR_THREAD_THROWN_UNREADABLE'], `${target} ${String(args)}: ${e.message}`);
      assert.match(e.message, message);
    }
  });

  it('refuses bad input with codes: options, args that cannot be copied, start twice, join before start', () => {
    const { port1 } = new MessageChannel();
    for (const args of [[port1], [{ get boom(): never { throw new Error('getter'); } }]]) {
      assert.throws(() => new Thread({ module: TARGETS, target: 'add', args }).start(), (e: unknown) => e instanceof ShakedownError && e.code === 'ERR_THREAD_ARGS');
    }
    port1.close();
    assert.throws(() => new Thread({ module: '' }), (e: unknown) => e instanceof ShakedownError && e.code === 'ERR_INVALID_ARG');
    const refused = (f: () => unknown, code: string, re: RegExp): void =>
      assert.throws(f, (e: unknown) => e instanceof ShakedownError && e.code === code && re.test(e.message));
    refused(() => new Thread({ module: 7 as unknown as string }), 'ERR_INVALID_ARG', /module must be a path or a URL/);
    refused(() => new Thread({ module: TARGETS, target: '' }), 'ERR_INVALID_ARG', /target must be the name of an exported function/);
    refused(() => new Thread({ module: TARGETS, args: 'x' as unknown as unknown[] }), 'ERR_INVALID_ARG', /args must be an array/);
    refused(() => new Thread({ module: TARGETS, args: [() => 1] }).start(), 'ERR_THREAD_ARGS', /args cannot be copied to a thread/);
    refused(() => new Thread({ module: TARGETS, target: 'add' }).join(), 'ERR_THREAD_STATE', /never started: call start\(\) first/);
    const t = new Thread({ module: TARGETS, target: 'add', args: [1, 1] });
    t.start();
    refused(() => t.start(), 'ERR_THREAD_STATE', /already started/);
    assert.equal(t.join(JOIN_MS), true);
  });

  it('a daemon thread does not keep the process alive; a non-daemon one does', () => {
    const script = fileURLToPath(new URL('./fixtures/daemon-main.js', import.meta.url));
    const daemon = spawnSync(process.execPath, [script, 'daemon'], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(daemon.status, 0, `the daemon run ended with ${daemon.status} ${daemon.signal ?? ''}: ${daemon.stderr}`);
    const plain = spawnSync(process.execPath, [script, 'plain'], { encoding: 'utf8', timeout: 3_000 });
    assert.equal(plain.signal, 'SIGTERM', 'the non-daemon run was still alive (waiting for its 20 s thread) when the 3 s limit killed it');
  });

  it("enumerateThreads() lists a Thread started here with join, joinAsync and isAlive: the notes' \"join every thread but the main one\" loop joins it", async () => {
    const sab = new SharedArrayBuffer(4);
    const held = new Thread({ module: TARGETS, target: 'waitFor', args: [sab], name: 'held' });
    held.start();
    const entry = enumerateThreads().find((i) => i.id === held.ident)!;
    assert.equal(typeof entry.join, 'function');
    assert.equal(entry.isAlive!(), true);
    assert.equal(entry.join!(20), false, 'still held');
    assert.equal(await entry.joinAsync!(20), false);
    assert.equal(enumerateThreads().find((i) => i.isMain)?.join, undefined, 'the main thread is not joinable');
    const wake = new Int32Array(sab);
    Atomics.store(wake, 0, 1);
    Atomics.notify(wake, 0);
    for (const t of enumerateThreads()) if (!t.isMain && t.join !== undefined) assert.equal(t.join(JOIN_MS), true, `${t.name} joined`);
    assert.equal(held.isAlive(), false);
    assert.equal(held.result, 1, 'the join through the listing was a real join');
    assert.equal(enumerateThreads().some((i) => i.id === held.ident), false, 'unlisted once ended');
  });
});

describe('Timer', function () {
  this.timeout(30_000);

  it('runs its target once the interval has passed; join returns its result', () => {
    const t = new Timer(60, { module: TARGETS, target: 'add', args: [1, 2], name: 'timer' });
    const t0 = performance.now();
    t.start();
    assert.equal(t.join(JOIN_MS), true);
    assert.ok(performance.now() - t0 >= 59, `ran after ${(performance.now() - t0).toFixed(1)} ms`);
    assert.deepEqual([t.result, t.cancelled, t.intervalMs, t.name], [3, false, 60, 'timer']);
  });

  it('cancel() while it waits: the target never runs and the thread ends at once', () => {
    const sab = new SharedArrayBuffer(4);
    const t = new Timer(20_000, { module: TARGETS, target: 'mark', args: [sab] });
    t.start();
    t.cancel();
    const t0 = performance.now();
    assert.equal(t.join(JOIN_MS), true, 'ended long before its 20 s interval');
    assert.ok(performance.now() - t0 < JOIN_MS);
    assert.deepEqual([t.cancelled, t.result, Atomics.load(new Int32Array(sab), 0)], [true, undefined, 0]);
  });

  it('cancel() before start() means it never runs; after it ran, cancel() changes nothing', () => {
    const sab = new SharedArrayBuffer(4);
    const early = new Timer(10, { module: TARGETS, target: 'mark', args: [sab] });
    early.cancel();
    early.start();
    assert.equal(early.join(JOIN_MS), true);
    assert.deepEqual([early.cancelled, Atomics.load(new Int32Array(sab), 0)], [true, 0]);
    const late = new Timer(0, { module: TARGETS, target: 'mark', args: [sab] });
    late.start();
    assert.equal(late.join(JOIN_MS), true);
    late.cancel();
    assert.deepEqual([late.cancelled, late.result, Atomics.load(new Int32Array(sab), 0)], [false, 'ran', 1]);
  });

  it('refuses an interval that is not a finite number of ms >= 0 (ERR_INVALID_ARG)', () => {
    for (const bad of [-1, NaN, Infinity, '5' as unknown as number]) {
      assert.throws(() => new Timer(bad, { module: TARGETS, target: 'add' }), (e: unknown) => e instanceof ShakedownError && e.code === 'ERR_INVALID_ARG' && /Timer interval must be a finite number/.test(e.message));
    }
  });
});

import assert from 'node:assert/strict';
import { ThreadLocal, activeThreadCount, createLogger, currentThread, enumerateThreads, mainThread, startThread, type ThreadInfo } from '@shakedown/primitives';
import { Workers, withTimeout } from '../helpers/workers.js';
import { sharedInt32 } from '../helpers/sync.js';
import { isListed, waitUntilCountMatchesList } from '../helpers/registry.js';

const fixture = new URL('./fixtures/threads-worker.js', import.meta.url);

interface Info {
  me: ThreadInfo;
  seen: ThreadInfo[];
  main: ThreadInfo;
}

describe('threads', function () {
  this.timeout(20000);
  const workers = new Workers();
  afterEach(() => workers.terminateAll());

  it('currentThread in the main thread', function () {
    assert.deepEqual(currentThread(), { id: 0, name: 'main', isMain: true });
    assert.deepEqual(mainThread(), { id: 0, name: 'main', isMain: true });
  });

  it('workers started with startThread({name}) know their name and id, are enumerated, and are gone after exit', async function () {
    currentThread();
    const ctl = sharedInt32(1);
    const ws = ['alpha', 'beta'].map((name) => workers.start(fixture, { name, workerData: { scenario: 'info', ctl: ctl.buffer } }));
    const infos = (await Promise.all(ws.map((w) => w.next('info')))).map((m) => m.payload as Info);
    for (const [i, w] of ws.entries()) {
      assert.deepEqual(infos[i]!.me, { id: w.worker.threadId, name: w.name, isMain: false });
      assert.equal(infos[i]!.main.name, 'main');
    }
    // Both have registered (each posted after currentThread()), so each sees itself; the main thread sees both.
    const listed = enumerateThreads();
    for (const w of ws) assert.ok(listed.some((t) => t.id === w.worker.threadId && t.name === w.name && !t.isMain), `${w.name} not enumerated`);
    assert.ok(listed.some((t) => t.isMain && t.name === 'main'));
    await waitUntilCountMatchesList('with alpha and beta running');

    Atomics.store(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    await Promise.all(ws.map((w) => w.result()));
    await Promise.all(ws.map((w) => withTimeout(w.exited, 5000, 'worker exit')));
    await waitUntilCountMatchesList('after alpha and beta exited');
    const after = enumerateThreads();
    for (const w of ws) assert.ok(!after.some((t) => t.id === w.worker.threadId), `${w.name} still enumerated after exit`);
  });

  it('a thread started with startThread is listed and counted from start(), even one that never imports the package', async function () {
    const before = activeThreadCount();
    const sab = new SharedArrayBuffer(4);
    const w = startThread(new URL('./fixtures/plain-waiter.js', import.meta.url), { name: 'quiet', workerData: { sab } });
    const exited = new Promise<number>((resolve) => w.once('exit', resolve));
    // At once, in the same tick: no waiting for the worker to load anything.
    assert.deepEqual(enumerateThreads().find((t) => t.id === w.threadId), { id: w.threadId, name: 'quiet', isMain: false });
    assert.equal(activeThreadCount(), before + 1);
    const i32 = new Int32Array(sab);
    Atomics.store(i32, 0, 1);
    Atomics.notify(i32, 0);
    assert.equal(await withTimeout(exited, 5000, 'quiet to exit'), 0);
    assert.equal(enumerateThreads().some((t) => t.name === 'quiet'), false);
    assert.equal(activeThreadCount(), before);
  });

  it('activeThreadCount drops after worker.terminate()', async function () {
    // Other files' workers may come and go meanwhile, so no before/after count is compared: the
    // terminated worker must be unlisted and the count must keep matching the list.
    currentThread();
    const ctl = sharedInt32(1);
    const w = workers.start(fixture, { name: 'doomed', workerData: { scenario: 'block', ctl: ctl.buffer } });
    await w.next('registered');
    const id = w.worker.threadId;
    assert.ok(isListed(id), 'doomed is listed while it runs');
    await waitUntilCountMatchesList('with doomed running');
    await w.worker.terminate();
    await withTimeout(w.exited, 5000, 'worker exit');
    assert.ok(!isListed(id), 'doomed is unlisted once terminated');
    await waitUntilCountMatchesList('after doomed was terminated');
  });

  it('createLogger prefixes lines with the thread name, in a worker even before anything else registered it', async function () {
    const lines: string[] = [];
    createLogger((l) => lines.push(l))('from', 'main', 7);
    assert.match(lines[0]!, /^\d\d:\d\d:\d\d\.\d{6} \[main\] from main 7$/);

    const w = workers.start(fixture, { name: 'scribe', workerData: { scenario: 'logFirst' } });
    const workerLines = await w.result<string[]>();
    assert.equal(workerLines.length, 1);
    // Values as util.format shows them (console.log's rules).
    assert.match(workerLines[0]!, /^\d\d:\d\d:\d\d\.\d{6} \[scribe\] hello \{ n: 1 \}$/);
  });

  it('ThreadLocal: one lazily built value per thread', async function () {
    let inits = 0;
    const local = new ThreadLocal(() => ({ n: ++inits }));
    assert.equal(local.get(), local.get());
    assert.equal(inits, 1);
    local.set({ n: 42 });
    const w = workers.start(fixture, { name: 'local', workerData: { scenario: 'threadLocal' } });
    assert.deepEqual(await w.result(), { first: { thread: 'local', n: 1 }, same: true, inits: 1, after: { thread: 'changed', n: 99 } });
    assert.deepEqual(local.get(), { n: 42 }, "a worker's value does not leak into this thread");
  });
});

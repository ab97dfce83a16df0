/** Which threads are listed: every thread that imported the package, until it exits; reaping is safe with any id. */
import assert from 'node:assert/strict';
import { activeThreadCount, enumerateThreads, reapThread, startThread } from '@shakedown/primitives';
import { waitUntil, withTimeout } from '../helpers/workers.js';

const fixture = new URL('./fixtures/idle-worker.js', import.meta.url);

describe('thread registry', function () {
  this.timeout(20000);

  it('lists a worker that only imported the package, and unlists it when it exits', async function () {
    const worker = startThread(fixture, { name: 'idle' });
    try {
      await withTimeout(new Promise((resolve) => worker.once('message', resolve)), 8000, 'the idle worker to start');
      assert.ok(enumerateThreads().some((t) => t.name === 'idle' && !t.isMain), JSON.stringify(enumerateThreads()));
      assert.ok(enumerateThreads().some((t) => t.isMain), 'the main thread is listed too');
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('stop');
      await withTimeout(exited, 8000, 'the idle worker to exit');
      await waitUntil(() => !enumerateThreads().some((t) => t.name === 'idle'), 8000, 'the idle worker is unlisted');
    } finally {
      await worker.terminate();
    }
  });

  it('reapThread ignores -1 (what Node reports as the threadId of an exited worker) and unknown ids', function () {
    const before = activeThreadCount();
    reapThread(-1);
    reapThread(123_456_789);
    assert.equal(activeThreadCount(), before);
    assert.equal(enumerateThreads().length, before);
  });
});

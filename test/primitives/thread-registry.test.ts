/** Which threads are listed: every thread that imported the package, until it exits; reaping is safe with any id. */
import assert from 'node:assert/strict';
import { enumerateThreads, reapThread, startThread } from '@shakedown/primitives';
import { waitUntilCountMatchesList } from '../helpers/registry.js';
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

  it('reapThread ignores -1 (what Node reports as the threadId of an exited worker) and unknown ids', async function () {
    // Other test files' workers may exit (and free their slots) at any moment, so this test does
    // not compare the live count with an earlier snapshot. It checks what a wrong reap would break
    // for good: a worker we control stays listed, and the live count keeps agreeing with the
    // listed slots (a reap of a free slot used to lower the count with no thread gone).
    const worker = startThread(fixture, { name: 'survivor' });
    try {
      await withTimeout(new Promise((resolve) => worker.once('message', resolve)), 8000, 'the idle worker to start');
      await waitUntilCountMatchesList('before reaping');
      reapThread(-1);
      reapThread(-7);
      reapThread(123_456_789);
      assert.ok(enumerateThreads().some((t) => t.name === 'survivor'), 'the worker we control is still listed');
      assert.ok(enumerateThreads().some((t) => t.isMain), 'the main thread is still listed');
      await waitUntilCountMatchesList('after reapThread(-1), reapThread(-7) and reapThread(123456789)');
    } finally {
      await worker.terminate();
    }
  });
});

/**
 * A thread asleep in a primitive that is not a lock (here an Event) is in the
 * wait-for table while it sleeps, named with what it waits for and no holder,
 * so a hang report can say where a thread is stuck; it leaves the table when woken.
 */
import assert from 'node:assert/strict';
import { Event, Lock, currentThread, waitForTable } from '@shakedown/primitives';
import { Workers, delay, waitUntil } from '../helpers/workers.js';
import { sharedInt32 } from '../helpers/sync.js';

const fixture = new URL('./fixtures/event-worker.js', import.meta.url);
const lockFixture = new URL('./fixtures/lock-worker.js', import.meta.url);

describe('wait-for table: non-lock waits', function () {
  this.timeout(20000);
  const workers = new Workers();
  afterEach(() => workers.terminateAll());

  it('lists a thread asleep on an Event as "waits for <event> (event: set)" with no holder, until it is woken', async function () {
    const event = new Event({ name: 'go' });
    const w = workers.start(fixture, { name: 'sleeper', workerData: { scenario: 'waitOnce', event, timeoutMs: 30_000 } });
    const mine = (): ReturnType<typeof waitForTable> => waitForTable().filter((r) => r.thread === 'sleeper');
    await waitUntil(() => mine().length === 1, 8000, 'the sleeper is in the wait-for table');
    assert.equal(mine()[0]!.waitsFor, 'go (event: set)');
    assert.equal(mine()[0]!.heldBy, '(nobody)');
    event.set();
    await w.result();
    assert.deepEqual(mine(), [], 'woken threads leave the table');
  });

  it('keeps a lock wait on record while another async task of the same thread sleeps on an Event (one record per thread)', async function () {
    const lock = new Lock({ name: 'L' });
    const ctl = sharedInt32(1);
    const holder = workers.start(lockFixture, { name: 'holder', workerData: { scenario: 'hold', lock, ctl: ctl.buffer } });
    await holder.next('holding');
    const me = currentThread().name;
    const waiting = lock.acquireAsync(8000);
    // A sibling task naps on an Event again and again: it must neither replace nor erase the lock wait.
    const nap = new Event({ name: 'nap' });
    let napping = true;
    const sibling = (async () => {
      while (napping) await nap.waitAsync(1);
    })();
    try {
      await waitUntil(() => waitForTable().some((r) => r.thread === me && r.waitsFor === 'L'), 5000, 'the lock wait is on record');
      for (let i = 0; i < 20; i++) {
        await delay(5);
        const mine = waitForTable().filter((r) => r.thread === me);
        assert.deepEqual(mine.map((r) => [r.waitsFor, r.heldBy]), [['L', 'holder']], `round ${i}`);
      }
    } finally {
      napping = false;
      await sibling;
      Atomics.store(ctl, 0, 1);
      Atomics.notify(ctl, 0);
    }
    assert.equal(await waiting, true);
    lock.release();
  });
});

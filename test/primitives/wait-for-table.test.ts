/**
 * A thread asleep in a primitive that is not a lock (here an Event) is in the
 * wait-for table while it sleeps, named with what it waits for and no holder,
 * so a hang report can say where a thread is stuck; it leaves the table when woken.
 */
import assert from 'node:assert/strict';
import { Event, waitForTable } from '@shakedown/primitives';
import { Workers, waitUntil } from '../helpers/workers.js';

const fixture = new URL('./fixtures/event-worker.js', import.meta.url);

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
});

/**
 * A hang names where each thread was last seen (grade/hang-threads.ts): the call it is in and for
 * how long, or the call it returned from; end to end for a user's lock under --impl whose release
 * never notifies (no @shakedown/primitives wait to name).
 */
import assert from 'node:assert/strict';
import { lastSeenText } from '../../harness/core/grade/hang-threads.js';
import type { TraceEvent } from '../../harness/core/execute/trace.js';
import { run } from '../../harness/core/run.js';
import type { RunSummary } from '../../harness/core/grade/results.js';

const event = (thread: number, time: number, op: string, primitive: string): TraceEvent => ({ time, thread, threadName: `t${thread}`, op, primitive });

describe('harness/hang: last seen', function () {
  this.timeout(120_000);

  it('names each thread\'s last call: in it (for how long), returned from it, a primitive operation, or no yield point', () => {
    const trace = [event(0, 100, 'user', 'acquire()'), event(1, 90, 'user', 'release()'), event(1, 120, 'user', 'release() done'), event(2, 50, 'wait', 'Event ready'), event(0, 80, 'user', 'tryAcquire() done')];
    assert.equal(lastSeenText(trace, 4, 1200), 't0 in acquire() for 1,100 ms; t1 returned from release() 1,080 ms ago; t2 in Event ready wait for 1,150 ms; t3 reached no yield point');
  });

  it('shows a thread stuck inside a call in that call, since it began, and where inside it was last (a point the implementation marks, a primitive operation)', () => {
    const trace = [
      event(0, 10, 'user', 'release()'),
      event(0, 11, 'user', 'release() done'),
      event(0, 20, 'user', 'acquire()'),
      event(0, 21, 'user', 'lock.acquire: woken, retaking'),
      event(0, 30, 'user', 'lock.acquire: woken, retaking'),
      event(1, 40, 'user', 'acquire()'),
      event(1, 41, 'user', 'lock.acquire: woken, retaking'),
      event(1, 45, 'user', 'acquire() done'),
      event(1, 50, 'user', 'release()'),
      event(1, 51, 'acquire', 'Lock inner'),
    ];
    assert.equal(lastSeenText(trace, 2, 1020), 't0 in acquire() for 1,000 ms, last at lock.acquire: woken, retaking 990 ms ago; t1 in release() for 970 ms, last at Lock inner acquire 969 ms ago');
  });

  it('a lost wakeup in a user\'s lock (--impl, free-running): the hang names the thread stuck in acquire()', async () => {
    // Free-running at 4 threads this gallery lock hung in every trial of 6 (test/suites/conformance.test.ts);
    // up to 60 trials at a 30% floor, stopping at the first: a miss is 0.7^60 = 5e-10.
    let summary: RunSummary | undefined;
    for await (const e of run({ suites: ['conformance/lock'], grep: '/release-without-notify-lock/t4/c-all/j-none$', schedule: ['free'], runs: 60, maxFailures: 1, timeoutMs: 300, seed: 'last-seen' })) {
      if (e.type === 'run-end') summary = e.summary;
    }
    const r = summary!.configs[0]!;
    const hang = r.invariants.find((i) => i.name === 'no hang')!;
    assert.ok(hang.failures > 0, 'the lost wakeup hung a trial');
    assert.match(hang.samples[0]!.details, /; last seen: .*\bt\d in acquire\(\) for [\d,]+ ms/);
    // The sleeper is asleep in the lock's own Atomics.wait: its word and the value it waits on are named from the trial state.
    assert.match(hang.samples[0]!.details, /; blocked: (.*; )?t\d waits for Atomics\.wait on handle\.buffer\+0 while it is 1\b/);
    assert.doesNotMatch(hang.samples[0]!.details, /no thread was blocked/);
  });
});

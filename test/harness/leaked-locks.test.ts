/**
 * A lock an actor leaves held ends with its trial's memory; it must not cost later trials their
 * deadlock detection. Each thread of the primitives keeps 8 held-lock entries; the fixture's actors
 * leak 10 locks per thread before a lock cycle closes in trials 10-13. With the leftovers kept, the
 * cycle of trial 10 could not be confirmed and hung (seen before the fix: 1 hang, then 3 reports
 * in the fresh workers of the recovery).
 */
import assert from 'node:assert/strict';
import { run } from '../../harness/core/run.js';
import { harnessFixture as fixture, summaryOf as summary } from '../helpers/run-summary.js';

describe('harness/locks an actor leaves held', function () {
  this.timeout(120_000);

  for (const suite of ['leaky-locks', 'leaky-locks-in-workers']) {
    it(`${suite}: every cycle after 10 leaking trials is reported as a deadlock, none hangs`, async () => {
      const s = await summary(run({ suites: [fixture(suite)], jitter: ['none'], schedule: ['free'], runs: 14, jobs: 1, seed: 'leaky', timeoutMs: 3000 }));
      const r = s.configs[0]!;
      assert.equal(r.trials, 14);
      assert.equal(r.hangs.count, 0, 'no hang');
      const deadlocks = r.invariants.find((i) => i.name === 'no deadlock error')!;
      assert.equal(deadlocks.failures, 4, 'trials 10-13, each a reported cycle');
      assert.deepEqual(deadlocks.samples.map((x) => x.trial), [10, 11, 12]);
      assert.equal(r.errors.count, 0);
    });
  }
});

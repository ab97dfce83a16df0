/**
 * --max-failures N stops an in-worker configuration within a trial or two of its Nth failure, even
 * in the middle of a long batch (up to 65,536 trials): thread 0, which grades, cuts the batch once
 * its failures reach what the configuration may still take. Without it the batch ran to its end
 * (a review counted 68-117 failures for --max-failures 3).
 */
import assert from 'node:assert/strict';
import { run } from '../../harness/core/run.js';
import { harnessFixture as fixture, summaryOf as summary } from '../helpers/run-summary.js';

describe('harness/--max-failures with in-worker trials', function () {
  this.timeout(120_000);

  it('stops within two trials of the limit although the batch holds thousands more', async () => {
    const s = await summary(run({ suites: [fixture('fails-from-in-workers')], jitter: ['none'], schedule: ['free'], runs: 2_000_000, jobs: 1, seed: 'mf', maxFailures: 3 }));
    const r = s.configs[0]!;
    // Trials 0-4999 pass, then every trial fails: 3 failures, plus at most the trial in flight when thread 0 graded the third.
    assert.ok(r.failedTrials >= 3 && r.failedTrials <= 5, `failed trials ${r.failedTrials}`);
    assert.equal(r.trials, 5000 + r.failedTrials);
    assert.equal(r.status, 'flaky', 'passes, then failures: flaky');
    assert.notEqual(s.exitCode, 0);
  });

  it('after a hang, the trials it owes run again whole: none is lost to the limit (failures at 100 and 200, a hang at 250, --max-failures 3)', async () => {
    const s = await summary(run({ suites: [fixture('fails-and-hangs-in-workers')], jitter: ['none'], schedule: ['free'], runs: 50_000, jobs: 1, seed: 'mf-hang', maxFailures: 3, timeoutMs: 1000 }));
    const r = s.configs[0]!;
    // Trials 0-250: the two planted failures and the hang are the 3 failures; every trial before the hang counted once.
    assert.deepEqual([r.trials, r.failedTrials, r.hangs.count], [251, 3, 1]);
    assert.equal(r.invariants.find((i) => i.name === 'not planted')!.failures, 2);
  });
});

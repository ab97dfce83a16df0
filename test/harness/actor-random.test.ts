/**
 * ctx.random draws from its own trial's sequence (seed, configuration, trial, thread), whoever
 * calls it when: an actor that kept an earlier trial's ctx.random and draws from it must not shift
 * the current trial's draws, or the run and `stress replay` of a trial would see different values.
 */
import assert from 'node:assert/strict';
import { run } from '../../harness/core/run.js';
import { threadRng } from '../../harness/core/shared/rng.js';
import { harnessFixture as fixture, summaryOf as summary } from '../helpers/run-summary.js';

describe('harness/ctx.random', function () {
  this.timeout(60_000);

  for (const suite of ['keeps-random', 'keeps-random-in-workers']) {
    it(`${suite}: each trial's draws are its own sequence although the actor draws from the previous trial's random first`, async () => {
      const s = await summary(run({ suites: [fixture(suite)], jitter: ['none'], schedule: ['free'], runs: 30, jobs: 1, seed: 'keeps' }));
      const r = s.configs[0]!;
      assert.equal(r.trials, 30);
      const seen = r.outcomes.map((o) => o.outcome).sort();
      const expected = Array.from({ length: 30 }, (_, trial) => {
        const rng = threadRng('keeps', `${r.config.key}/actor`, trial, 0);
        return `${trial}:${rng()},${rng()}`;
      }).sort();
      assert.deepEqual(seen, expected);
    });
  }
});

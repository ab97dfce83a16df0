/**
 * The actor guard (worker/actor-guard.ts) checks the globals the trial loop runs on after every
 * trial through the objects it captured at load, not by global names: a script-level binding can
 * shadow a name (a hostile review hid a replaced globalThis.setTimeout that way from a check by
 * names; it then stayed replaced for every later trial of the worker).
 */
import assert from 'node:assert/strict';
import { run } from '../../harness/core/run.js';
import { harnessFixture as fixture, summaryOf as summary } from '../helpers/run-summary.js';

describe('harness/actor guard', function () {
  this.timeout(60_000);

  it('a replaced globalThis.setTimeout behind a script-level const is trial 3\'s misuse error, and repaired for the trials after it', async () => {
    const s = await summary(run({ suites: [fixture('shadows-global')], jitter: ['none'], schedule: ['free'], runs: 40, jobs: 1, seed: 'shadow' }));
    const r = s.configs[0]!;
    assert.equal(r.trials, 40);
    assert.equal(r.errors.count, 1, JSON.stringify(r.errors.samples));
    assert.deepEqual([r.errors.samples[0]!.trial, r.errors.samples[0]!.name], [3, 'ActorMisuseError']);
    assert.match(r.errors.samples[0]!.message, /globalThis\.setTimeout/);
    // Every later trial started with the real one again.
    assert.equal(r.invariants.find((i) => i.name === 'started with the real setTimeout')!.failures, 0);
  });
});

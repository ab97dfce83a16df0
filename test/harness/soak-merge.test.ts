/** Folding soak passes: counts add up, samples stay bounded, statuses and rates come from the totals. */
import assert from 'node:assert/strict';
import { accumulate } from '../../harness/core/record/soak-merge.js';
import { SAMPLES_KEPT } from '../../harness/core/grade/grade.js';
import type { ConfigResult, FailureSample } from '../../harness/core/grade/results.js';

const sample = (trial: number): FailureSample => ({ trial, details: `failed in ${trial}`, trace: [], replay: `r${trial}` });

function pass(trials: number, failingTrials: number[], nextTrial: number): ConfigResult {
  return {
    config: { key: 'k', suite: 's', suiteUrl: 'file:///s.js', variant: 'v', canary: false, threads: 2, cores: 'all', jitter: 'none', params: {}, seed: 'x' },
    status: failingTrials.length === 0 ? 'pass' : 'flaky',
    trials,
    failedTrials: failingTrials.length,
    invariants: [{ name: 'inv', trials, failures: failingTrials.length, rate: failingTrials.length / trials, interval: [0, 1], status: failingTrials.length === 0 ? 'pass' : 'flaky', samples: failingTrials.slice(0, SAMPLES_KEPT).map(sample) }],
    outcomes: [{ outcome: 'ok', count: trials - failingTrials.length, grade: 'acceptable', description: '' }],
    hangs: { count: 0, samples: [] },
    errors: { count: 0, samples: [] },
    durationMs: 100,
    nextTrial,
  };
}

describe('harness/soak-merge', () => {
  it('adds counts, keeps the first samples, recomputes status, and drops the pass bookkeeping', () => {
    let total = accumulate(undefined, pass(100, [], 100));
    assert.equal(total.status, 'pass');
    assert.ok(!('nextTrial' in total));
    total = accumulate(total, pass(100, [150, 160], 200));
    total = accumulate(total, pass(100, [210, 220, 230, 240], 300));
    assert.equal(total.trials, 300);
    assert.equal(total.failedTrials, 6);
    assert.equal(total.status, 'flaky');
    const inv = total.invariants[0]!;
    assert.equal(inv.failures, 6);
    assert.equal(inv.trials, 300);
    assert.equal(inv.rate, 6 / 300);
    assert.deepEqual(inv.samples.map((s) => s.trial), [150, 160, 210].slice(0, SAMPLES_KEPT));
    assert.deepEqual(total.outcomes, [{ outcome: 'ok', count: 294, grade: 'acceptable', description: '' }]);
    assert.equal(total.durationMs, 300);
    assert.ok(!('nextTrial' in total));
  });

  it('orders outcomes by count, and equal counts by name whichever part saw them first', () => {
    const withOutcomes = (counts: Array<[string, number]>): ConfigResult => ({
      ...pass(6, [], 6),
      outcomes: counts.map(([outcome, count]) => ({ outcome, count, grade: 'acceptable' as const, description: '' })),
    });
    const total = accumulate(accumulate(undefined, withOutcomes([['B', 2], ['A', 1]])), withOutcomes([['A', 2], ['B', 1], ['C', 3]]));
    assert.deepEqual(total.outcomes.map((o) => [o.outcome, o.count]), [['A', 3], ['B', 3], ['C', 3]]);
  });
});

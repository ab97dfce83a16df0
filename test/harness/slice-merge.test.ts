/** Adding up the trial slices of one configuration (stress merge of shards that sliced it). */
import assert from 'node:assert/strict';
import { joinSlices } from '../../harness/core/record/slice-merge.js';
import type { ConfigResult } from '../../harness/core/grade/results.js';

function part(index: number, over: Partial<ConfigResult> = {}): ConfigResult {
  return {
    config: { key: 'k', suite: 's', suiteUrl: 'file:///s.js', variant: 'v', canary: true, threads: 2, cores: 'all', jitter: 'none', params: {}, seed: 'x' },
    status: 'pass',
    canaryVerdict: 'survived',
    trials: 10,
    failedTrials: 0,
    invariants: [{ name: 'inv', trials: 10, failures: 0, rate: 0, interval: [0, 0.3], status: 'pass', samples: [] }],
    outcomes: [],
    hangs: { count: 0, samples: [] },
    errors: { count: 0, samples: [] },
    durationMs: 100,
    slice: { index, total: 3, firstTrial: (index - 1) * 10 },
    hostname: `host-${index}`,
    ...over,
  };
}

describe('harness/slice-merge', () => {
  it('sums the slices, drops the slice field, names every machine, and takes the first detection from the earliest slice', () => {
    const warnings: string[] = [];
    const hang = { count: 3, samples: [] };
    const joined = joinSlices(
      [
        part(3, { status: 'hang', hangs: hang, failedTrials: 3, stoppedAtRecoveries: 3, firstDetection: { trial: 20, ms: 5 } }),
        part(1),
        part(2, { status: 'hang', hangs: hang, failedTrials: 3, stoppedAtRecoveries: 3, firstDetection: { trial: 10, ms: 40 } }),
      ],
      warnings,
    );
    assert.deepEqual(warnings, []);
    assert.equal(joined.trials, 30);
    assert.equal(joined.failedTrials, 6);
    assert.equal(joined.hangs.count, 6);
    assert.equal(joined.status, 'hang');
    assert.equal(joined.canaryVerdict, 'caught');
    assert.deepEqual(joined.firstDetection, { trial: 10, ms: 40 });
    assert.equal(joined.stoppedAtRecoveries, 6, 'each slice stopped on its own: the stops add up');
    assert.equal(joined.hostname, 'host-1,host-2,host-3');
    assert.ok(!('slice' in joined));
  });

  it('warns of missing slices and adds up those present', () => {
    const warnings: string[] = [];
    const joined = joinSlices([part(1), part(3)], warnings);
    assert.equal(joined.trials, 20);
    assert.deepEqual(warnings, ['k: trial slice 2/3 missing, so its results cover only part of its trials']);
  });

  it('returns a whole (unsliced) configuration as it is', () => {
    const { slice: _s, ...whole } = part(1);
    assert.equal(joinSlices([whole], []), whole);
  });
});

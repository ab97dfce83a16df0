import assert from 'node:assert/strict';
import { MIN_JUDGING_SHARE_MS, SEVERITY, canaryCaught, configStatus, everyTrialErrored, invariantStatus, isBad, regraded, shortOfBudget, worse, worst } from '../../harness/core/grade/status-rule.js';
import type { ConfigResult } from '../../harness/core/grade/results.js';

const counts = (trials: number, failures: number[], hangs = 0, errors = 0) => ({ trials, invariants: failures.map((f) => ({ failures: f })), hangs: { count: hangs }, errors: { count: errors } });

describe('harness/status-rule', () => {
  it('grades an invariant pass, flaky or fail from its failures and the trials', () => {
    assert.equal(invariantStatus(0, 10), 'pass');
    assert.equal(invariantStatus(3, 10), 'flaky');
    assert.equal(invariantStatus(10, 10), 'fail');
  });

  it('grades a configuration by its worst invariant, then hang, then error; skipped only when nothing happened', () => {
    assert.equal(configStatus(counts(10, [0, 0])), 'pass');
    assert.equal(configStatus(counts(10, [0, 3])), 'flaky');
    assert.equal(configStatus(counts(10, [10, 3])), 'fail');
    assert.equal(configStatus(counts(10, [1], 1)), 'hang');
    assert.equal(configStatus(counts(10, [1], 1, 1)), 'error');
    assert.equal(configStatus(counts(0, [0], 0, 1)), 'error');
    assert.equal(configStatus(counts(0, [0])), 'skipped');
    assert.equal(configStatus(counts(0, [2])), 'fail', 'failures with no trials are not a skip');
  });

  it('orders statuses by severity: pass, flaky, fail, hang, error, skipped', () => {
    assert.deepEqual(SEVERITY, ['pass', 'flaky', 'fail', 'hang', 'error', 'skipped']);
    assert.equal(worse('flaky', 'fail'), 'fail');
    assert.equal(worse('hang', 'fail'), 'hang');
    assert.equal(worst(['pass', 'error', 'flaky']), 'error');
    assert.equal(worst([]), 'pass');
  });

  it('makes the run fail for every status of a correct variant but pass and skipped', () => {
    assert.deepEqual(SEVERITY.filter(isBad), ['flaky', 'fail', 'hang', 'error']);
  });

  it('judges a canary: caught by a failure or a hang, otherwise survived, unjudged when every trial errored or the budget was too short', () => {
    assert.equal(canaryCaught(counts(10, [0, 1])), true, 'caught by a failing trial');
    assert.equal(canaryCaught(counts(10, [0], 1)), true, 'caught by a hang');
    assert.equal(canaryCaught(counts(10, [0, 0], 0, 3)), false, 'errors are not detections');
    assert.equal(everyTrialErrored({ caught: false, trials: 10, errors: 10 }), true);
    assert.equal(everyTrialErrored({ caught: false, trials: 10, errors: 11 }), true, 'a crash outside any trial adds an error only');
    assert.equal(everyTrialErrored({ caught: false, trials: 10, errors: 9 }), false, 'the other trials were judged: it survived them');
    assert.equal(everyTrialErrored({ caught: true, trials: 10, errors: 10 }), false);
    assert.equal(shortOfBudget(2, [MIN_JUDGING_SHARE_MS - 1, 10]), true, 'every configuration had too little time');
    assert.equal(shortOfBudget(2, [MIN_JUDGING_SHARE_MS, 10]), false, 'one had enough');
    assert.equal(shortOfBudget(2, [10]), false, 'a configuration run without a time budget had its runs');
  });

  it('regrades a stored result: its stored status, invariant statuses and canary verdict are ignored', () => {
    const stored = {
      config: { key: 'k', suite: 's', suiteUrl: 'file:///s.js', variant: 'v', canary: true, threads: 2, cores: 'all', jitter: 'none', params: {}, seed: 'x' },
      status: 'pass',
      canaryVerdict: 'caught',
      firstDetection: { trial: 0, ms: 1 },
      trials: 5,
      failedTrials: 0,
      invariants: [{ name: 'i', trials: 5, failures: 0, rate: 0, interval: [0, 0.5], status: 'fail', samples: [] }],
      outcomes: [],
      hangs: { count: 0, samples: [] },
      errors: { count: 0, samples: [] },
      durationMs: 1,
    } as unknown as ConfigResult;
    const r = regraded(stored);
    assert.equal(r.status, 'pass');
    assert.equal(r.invariants[0]!.status, 'pass');
    assert.equal(r.canaryVerdict, 'survived');
    assert.equal(r.firstDetection, undefined);
    const failing = regraded({ ...stored, invariants: [{ ...stored.invariants[0]!, failures: 5, status: 'pass' }], canaryVerdict: 'survived' });
    assert.equal(failing.status, 'fail');
    assert.equal(failing.canaryVerdict, 'caught');
  });
});

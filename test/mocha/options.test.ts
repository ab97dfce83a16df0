/** stress.it options: validated at load time, and the mocha timeout they imply. */
import assert from 'node:assert/strict';
import { abortAfter, blockTimeout, countConfigs, mochaTimeoutFor, normalize } from '../../harness/mocha/options.js';

describe('shakedown/mocha options', () => {
  it('defaults to a 5 s budget and a timeout of budget plus a margin per configuration', () => {
    const n = normalize({}, {});
    assert.equal(n.timeBudgetMs, 5000);
    // 2 thread counts x (2 default jitters free-running, and one controlled configuration)
    const configs = countConfigs([[2, 4]], n);
    assert.equal(configs, 6);
    const t = mochaTimeoutFor(n, configs)!;
    assert.ok(t > 5000 + 6 * 3 * 1000 && t < 60_000, String(t));
  });

  it('parses budgets and trial timeouts like the CLI', () => {
    const n = normalize({ timeBudget: '2s', trialTimeout: '250ms', threads: [2] }, {});
    assert.equal(n.run.timeBudgetMs, 2000);
    assert.equal(n.run.timeoutMs, 250);
    assert.deepEqual(n.run.threads, [2]);
  });

  it('keeps mocha\'s timeout for a run bounded by runs, unless given one', () => {
    assert.equal(mochaTimeoutFor(normalize({ runs: 100 }, {}), 4), undefined);
    assert.equal(mochaTimeoutFor(normalize({ runs: 100, timeout: 9000 }, {}), 4), 9000);
  });

  it('takes the seed from STRESS_SEED when none is given', () => {
    assert.equal(normalize({}, { STRESS_SEED: 'abc' }).run.seed, 'abc');
    assert.equal(normalize({ seed: 'x' }, { STRESS_SEED: 'abc' }).run.seed, 'x');
    assert.equal(normalize({}, { STRESS_SEED: '' }).run.seed, undefined);
    assert.equal(normalize({ seed: 'x' }, {}).seedFromOption, true);
    assert.equal(normalize({}, { STRESS_SEED: 'abc' }).seedFromOption, false);
  });

  it('sets the larger of its timeout and mocha\'s on the block, and keeps 0 (no timeout) from either', () => {
    assert.equal(blockTimeout(undefined, 2000), undefined, 'no limit of its own: mocha\'s stays');
    assert.equal(blockTimeout(20_000, 2000), 20_000, 'above mocha\'s default');
    assert.equal(blockTimeout(1000, 60_000), 60_000, 'a larger --timeout wins');
    assert.equal(blockTimeout(20_000, 0), 0, '--timeout 0, for debugging');
    assert.equal(blockTimeout(0, 2000), 0, 'timeout: 0');
  });

  it('aborts a run ahead of its hook\'s timeout, and never without one', () => {
    assert.equal(abortAfter(0), undefined);
    assert.equal(abortAfter(60_000), 58_500);
    assert.equal(abortAfter(2000), 1000, 'mocha\'s default timeout: half of it left to stop the run');
  });

  it('rejects unknown options and bad values with the option\'s name', () => {
    assert.throws(() => normalize({ budget: '5s' } as never, {}), /unknown option "budget"/);
    assert.throws(() => normalize({ timeBudget: '5 parsecs' }, {}), /timeBudget: "5 parsecs" is not a duration/);
    assert.throws(() => normalize({ threads: [0] }, {}), /threads/);
    assert.throws(() => normalize({ variants: [] }, {}), /variants must be a non-empty array/);
  });
});

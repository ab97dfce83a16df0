/** The one module that says numbers: counts, rates with their interval, durations, early stops. */
import assert from 'node:assert/strict';
import { counted, failedOf, formatRate, grouped, seconds, stoppedNote } from '../../reporters/words.js';

describe('reporters/words', () => {
  it('separates thousands and makes the noun agree with the count', () => {
    assert.equal(grouped(1234567), '1,234,567');
    assert.equal(counted(1, 'trial'), '1 trial');
    assert.equal(counted(0, 'trial'), '0 trials');
    assert.equal(counted(12_345, 'failure'), '12,345 failures');
    assert.equal(counted(2, 'more configuration'), '2 more configurations');
  });

  it('says a failure rate with its 95% interval, exact at the ends, n/a with no trials', () => {
    assert.equal(formatRate(7, 100), '7.00% [3.43%, 13.7%]');
    assert.equal(formatRate(0, 50), '0% [0%, 7.14%]');
    assert.equal(formatRate(2, 2), '100% [34.2%, 100%]');
    assert.equal(formatRate(0, 0), 'n/a');
  });

  it('says how often something failed, counted in trials or runs', () => {
    assert.equal(failedOf(7_000, 100_000), '7,000 of 100,000 trials (7.00% [6.84%, 7.16%])');
    assert.equal(failedOf(1, 1, 'run'), '1 of 1 run (100% [20.7%, 100%])');
  });

  it('says durations in seconds and why a configuration stopped early', () => {
    assert.equal(seconds(1234.5678, 2), '1.23 s');
    assert.equal(seconds(4321, 1), '4.3 s');
    assert.equal(stoppedNote({}), '');
    assert.equal(stoppedNote({ stoppedAtFailures: 20 }), ' (stopped: max-failures 20 reached)');
    assert.equal(stoppedNote({ stoppedAtFailures: 20, stoppedAtRecoveries: 3 }), ' (stopped: 3 hangs or crashes)');
  });
});

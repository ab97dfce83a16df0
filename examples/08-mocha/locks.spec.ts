// Stress tests next to ordinary mocha tests. Each stress.it is a describe block:
// one run of the suite, one test per invariant.
import assert from 'node:assert/strict';
import { stress } from 'shakedown/mocha';
import { SpinLock } from '../07-validate-your-lock/spinlock.js';

describe('SpinLock', () => {
  it('is free after release (an ordinary unit test)', () => {
    const lock = new SpinLock();
    lock.acquire();
    lock.release();
    assert.equal(lock.word[0], 0);
  });
});

stress.it('SpinLock under contention', new URL('../07-validate-your-lock/suite.js', import.meta.url), {
  threads: [2],
  // A trial count, not a time budget: under mocha --parallel other spec files compete for the
  // cores, and a time budget would then buy far fewer trials.
  runs: 5_000,
  // The canary stops at its first caught trial; the correct lock runs every trial.
  maxFailures: 1,
  timeout: 30_000,
  canaries: true, // also prove the run can catch the planted check-then-set bug
});

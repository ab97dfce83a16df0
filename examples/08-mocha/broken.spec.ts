// What a failing stress test looks like: the broken lock under test.
import { stress } from 'shakedown/mocha';

stress.it('BrokenSpinLock under contention', new URL('../07-validate-your-lock/suite.js', import.meta.url), {
  variants: ['check-then-set'],
  threads: [2],
  jitter: ['none'],
  // Stop at the 20th failing trial, or after 100,000 trials: under mocha --parallel the other
  // spec file competes for the cores, and for a while the two threads may never run at once.
  runs: 100_000,
  maxFailures: 20,
  timeout: 30_000,
});

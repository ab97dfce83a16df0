// What a failing stress test looks like: the broken lock under test.
import { stress } from 'shakedown/mocha';

stress.it('BrokenSpinLock under contention', new URL('../07-validate-your-lock/suite.js', import.meta.url), {
  variants: ['check-then-set'],
  threads: [2],
  jitter: ['none'],
  runs: 500,
  timeout: 20_000,
});

/**
 * shakedown/mocha: stress tests inside mocha specs.
 *
 *   import { stress } from 'shakedown/mocha';
 *   stress.it('counter keeps every update', new URL('./counter-suite.js', import.meta.url), { threads: [2, 4], timeBudget: '5s' });
 */
export { stress, type StressIt } from './stress-it.js';
export type { StressItOptions } from './options.js';
export type { SuiteRef } from './load-sync.js';

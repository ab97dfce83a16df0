/**
 * 07: validating your own lock. Stress both spinlocks with the harness API:
 * the broken one must be caught, the correct one must hold in every trial.
 * The same run from the command line:
 *   npx stress run ./dist/examples/07-validate-your-lock/suite.js --runs 2000 --max-failures 50
 */
import { fileURLToPath } from 'node:url';
import { expect, find, firstFailure, rate, stress } from '../lib/report.js';

const suite = fileURLToPath(new URL('./suite.js', import.meta.url));
const summary = await stress({ suites: [suite], threads: [2, 4], jitter: ['none', 'spin-1us'], runs: 2000, maxFailures: 50 });

const broken = find(summary, 'check-then-set');
const caught = broken.find((r) => r.canaryVerdict === 'caught');
if (caught !== undefined) console.log(`\ncheck-then-set, for example:\n${firstFailure(caught).join('\n')}`);
const good = find(summary, 'spinlock');
const trials = good.reduce((n, r) => n + r.trials, 0);
console.log(`\nspinlock: held in all ${trials} trials; a bug could still hide below ${rate(0, trials).split(', ')[1]!.replace(']', '')} per trial`);
expect(caught !== undefined, 'the check-then-set lock is caught');
expect(good.every((r) => r.status === 'pass'), 'the compareExchange spinlock passes');

/**
 * 06: debugging a race. Thread-named log lines show the interleaving by hand;
 * the harness finds the same race without the artificial pause, and the trace
 * of a failing trial shows which thread did what, when.
 */
import { fileURLToPath } from 'node:url';
import { Barrier, createLogger, startThread } from '@shakedown/primitives';
import { openAccount } from './account.js';
import { expect, find, joinAll, stressWithCanaries } from '../lib/report.js';

const log = createLogger();
const account = openAccount(100);
const start = new Barrier(2, { name: 'start' });
const url = new URL('./worker.js', import.meta.url);
console.log('1. Two tellers withdraw 60 each from 100, with log lines named by thread:');
await joinAll([0, 1].map((i) => startThread(url, { name: `teller-${i}`, workerData: { account, start } })), 10_000);
log(`final balance ${account.balance[0]}`);

console.log('\n2. The harness, no pause: 3000 trials of each fix, the race for up to 20 s (stopping once 50 trials have failed):');
const summary = await stressWithCanaries({ suites: [fileURLToPath(new URL('./suite.js', import.meta.url))], jitter: ['spin-1us'] }, ['check-then-act'], { runs: 3000, canaryTimeMs: 20_000, maxFailures: 50 });
const race = find(summary, 'check-then-act')[0]!;
const sample = race.invariants.find((i) => i.samples.length > 0)?.samples[0];
if (sample !== undefined) {
  console.log(`\n3. Trace of failing trial ${sample.trial} (${sample.details}):`);
  const t0 = sample.trace[0]?.time ?? 0;
  for (const e of sample.trace) console.log(`  +${((e.time - t0) * 1000).toFixed(1).padStart(6)} us  ${e.threadName.padEnd(9)} ${e.op.padEnd(14)} ${e.primitive}`);
  console.log(`  replay it: npx stress replay ${sample.replay} --trace`);
}
// What the README says of this trace: both tellers checked before either wrote.
const checks = sample?.trace.filter((e) => e.primitive === 'checking balance') ?? [];
const firstWrite = sample?.trace.find((e) => e.primitive.startsWith('wrote '));
expect(sample !== undefined && sample.trace.filter((e) => e.primitive === 'saw 100').length === 2, 'the trace shows both tellers saw 100');
expect(checks.length === 2 && firstWrite !== undefined && checks.every((c) => c.time < firstWrite.time), 'the trace shows both checks before the first write');
expect(find(summary, 'locked').every((r) => r.status === 'pass'), 'the locked withdraw passes');

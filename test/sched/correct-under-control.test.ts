/**
 * Correct code under controlled scheduling raises no alarm: every correct variant of the core
 * suites and every shakedown implementation under the conformance suites, at 2 threads under the
 * `ctl` portfolio, passes every trial with no error.
 *
 * This held a regression: a strategy allowed to fire any pending timeout while other threads
 * could run jumped virtual time past the suites' safety-net timeouts (500 ms, 4 s), and correct
 * locks, events and barriers failed in 86-100% of trials. Now only a deadline within
 * EARLY_TIMEOUT_WINDOW_MS of the virtual clock may fire early. At those rates 150 trials per
 * configuration miss the regression with probability below 1e-100; correct code fails none.
 */
import assert from 'node:assert/strict';
import { run } from '../../harness/core/run.js';
import type { RunSummary } from '../../harness/core/grade/results.js';

const TRIALS = 150;

async function summaryOf(options: Parameters<typeof run>[0]): Promise<RunSummary> {
  let summary: RunSummary | undefined;
  for await (const e of run(options)) if (e.type === 'run-end') summary = e.summary;
  assert.ok(summary !== undefined, 'the run ended');
  return summary;
}

function assertNoAlarm(summary: RunSummary, expectedConfigs: number): void {
  const correct = summary.configs.filter((r) => !r.config.canary);
  assert.equal(correct.length, expectedConfigs, `correct configurations: ${correct.map((r) => r.config.key).join(', ')}`);
  for (const r of correct) {
    assert.equal(r.config.schedule, 'ctl', `${r.config.key} ran controlled`);
    assert.equal(r.trials, TRIALS, `${r.config.key}: every trial ran`);
    const failing = r.invariants.filter((i) => i.failures > 0).map((i) => `${i.name}: ${i.failures} (${i.samples[0]?.details ?? ''})`);
    assert.deepEqual(failing, [], `${r.config.key} failed`);
    assert.equal(r.errors.count, 0, `${r.config.key}: ${r.errors.samples[0]?.message ?? ''}`);
    assert.equal(r.hangs.count, 0, `${r.config.key} hung`);
  }
}

describe('controlled scheduling: correct code raises no alarm', function () {
  this.timeout(300_000);

  it(`the core suites' correct variants, ${TRIALS} controlled trials each`, async () => {
    // counter 2, producer-consumer 2, barrier-start 1, deadlock 2, executor 3 correct variants.
    assertNoAlarm(await summaryOf({ threads: [2], schedule: ['ctl'], runs: TRIALS, seed: 'correct-core' }), 10);
  });

  it(`every shakedown primitive under its conformance suite, ${TRIALS} controlled trials each`, async () => {
    assertNoAlarm(await summaryOf({ suites: ['conformance'], threads: [2], schedule: ['ctl'], runs: TRIALS, grep: 'shakedown-', seed: 'correct-conformance' }), 7);
  });
});

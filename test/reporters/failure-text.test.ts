/**
 * One formatter for a failure: the console, the file reporters' findings, mocha and `stress replay`
 * word the same failing invariant and the same error the same way (each escaping suite text for
 * where it goes).
 */
import assert from 'node:assert/strict';
import { describeFailure } from '../../reporters/console.js';
import { errorFinding, invariantFinding } from '../../reporters/findings.js';
import { replayReport } from '../../reporters/failure-text.js';
import { errorVerdict, invariantVerdict } from '../../harness/mocha/verdicts.js';
import { replayCommand } from '../../harness/core/record/replay-token.js';
import { mixedSummary } from './fixtures/summaries.js';

const seed = { seed: 's', fromOption: false };

describe('reporters/failure-text', () => {
  it('words a failing invariant alike in the console, the findings and mocha', () => {
    const r = mixedSummary().configs.find((c) => c.status === 'flaky' && !c.config.canary)!;
    const inv = r.invariants[0]!;
    const token = replayCommand(inv.samples[0]!.replay);
    const rate = '7 of 100 trials (7.00% [3.43%, 13.7%])';
    const console = describeFailure(r);
    assert.deepEqual(console.slice(1), [`    no lost update: flaky, ${rate}`, '      trial 3: expected 2, observed 1', `      replay: ${token}`]);
    const verdict = invariantVerdict([r], 'no lost update', seed);
    assert.ok(!verdict.ok);
    assert.ok(verdict.message.includes(`\n  ${r.config.key}: flaky, ${rate}\n    trial 3: expected 2, observed 1\n    replay: ${token}\n`), verdict.message);
    const finding = invariantFinding(r, inv)!;
    assert.equal(finding.message, `no lost update: flaky, failed in ${rate}; trial 3: expected 2, observed 1`);
    assert.ok(finding.body.includes(`\ntrial 3: expected 2, observed 1\n  replay: ${token}\n`), finding.body);
  });

  it('words an error alike in the console, the findings, mocha and the replay output, with its code', () => {
    const r = mixedSummary().configs.find((c) => c.status === 'error')!;
    const e = r.errors.samples[0]!;
    e.message = 'planted';
    e.code = 'ERR_X';
    assert.match(describeFailure(r).join('\n'), /\n {4}error in trial 0, thread 1: TypeError \[ERR_X\]: planted\n/);
    assert.match(errorFinding(r)!.message, /^10 errors; trial 0, thread 1: TypeError \[ERR_X\]: planted$/);
    const verdict = errorVerdict([r], seed);
    assert.ok(!verdict.ok && verdict.message.includes('\n  queue/throws/t2/c-all/j-none: 10 errors\n    trial 0, thread 1: TypeError [ERR_X]: planted\n'), JSON.stringify(verdict));
    const replayed = replayReport(r, { until: false, trace: false, untilCap: 100_000 });
    assert.match(replayed, /\n {2}error: TypeError \[ERR_X\]: planted\n$/);
  });

  it('reports a replay: how often it came back, the failures with their first details, and the advice when it did not', () => {
    const r = mixedSummary().configs.find((c) => c.status === 'flaky' && !c.config.canary)!;
    assert.equal(replayReport(r, { until: false, trace: false, untilCap: 100_000 }), 'reproduced in 7 of 100 runs (7.00% [3.43%, 13.7%])\n  no lost update: 7 failures; e.g. expected 2, observed 1\n');
    const none = { ...r, failedTrials: 0, invariants: r.invariants.map((i) => ({ ...i, failures: 0, samples: [] })) };
    assert.match(replayReport(none, { until: false, trace: false, untilCap: 100_000 }), /^reproduced in 0 of 100 runs .*\n {2}not reproduced: .* \(up to 100,000 runs\)\n$/);
    assert.doesNotMatch(replayReport(none, { until: true, trace: false, untilCap: 100_000 }), /not reproduced/);
    assert.match(replayReport(r, { until: false, trace: true, untilCap: 100_000 }), /\n {2}trace of the first reproduction:\n +\+ +0\.0 us {2}t0 /);
  });
});

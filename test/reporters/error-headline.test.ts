/** An actor error thrown without a message reads "TypeError (no message)" everywhere, not a dangling "TypeError: ". */
import assert from 'node:assert/strict';
import { errorVerdict } from '../../harness/mocha/verdicts.js';
import { describeFailure } from '../../reporters/console.js';
import { errorFinding } from '../../reporters/findings.js';
import { errorHeadline } from '../../reporters/failure-text.js';
import { mixedSummary } from './fixtures/summaries.js';

describe('reporters: errors without a message', () => {
  it('say "(no message)" in the console, the findings (JUnit, HTML, Markdown) and mocha', () => {
    const r = mixedSummary().configs.find((c) => c.status === 'error')!;
    r.errors.samples[0]!.message = '';
    assert.match(describeFailure(r).join('\n'), /thread 1: TypeError \(no message\)\n/);
    const finding = errorFinding(r)!;
    assert.match(finding.message, /thread 1: TypeError \(no message\)$/);
    assert.match(finding.body, /thread 1: TypeError \(no message\)\n/);
    const mocha = errorVerdict([r], { seed: 's', fromOption: false });
    assert.ok(!mocha.ok && /thread 1: TypeError \(no message\)\n/.test(mocha.message));
  });

  it('keeps the code and message when there is one', () => {
    assert.equal(errorHeadline({ name: 'LockError', code: 'ERR_X', message: 'held twice' }), 'LockError [ERR_X]: held twice');
  });
});

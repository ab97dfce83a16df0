/** checkSuiteShape: invariant names the harness uses for its own checks are rejected, naming the invariant. */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../harness/core/shared/errors.js';
import { checkSuiteShape } from '../../harness/core/plan/load-suite.js';
import { stress } from '../helpers/cli.js';

const suite = (invariants: Record<string, unknown>): unknown => ({ name: 's', description: 'd', setup: () => null, actor: () => null, invariants });

describe('harness/load-suite: reserved invariant names', () => {
  for (const name of ['no harness error', 'no hang', 'outcome is not forbidden']) {
    it(`rejects an invariant named ${JSON.stringify(name)} as a suite error naming it`, () => {
      assert.throws(
        () => checkSuiteShape(suite({ 'values add up': () => true, [name]: () => true }), 'file:///x/suite.js'),
        (e: unknown) => {
          assert.ok(e instanceof HarnessError);
          assert.equal(e.code, 'ERR_SUITE_SHAPE');
          assert.match(e.message, new RegExp(`^file:///x/suite\\.js: invariant name "${name}" is reserved for the harness's own checks \\(.*\\); rename it$`));
          return true;
        },
      );
    });
  }

  it('accepts names that only resemble them', () => {
    checkSuiteShape(suite({ 'no hang in the consumer': () => true, 'No harness error': () => true }), 'file:///x/suite.js');
  });

  it('is a usage error on the command line: exit 2 before any trial', () => {
    const r = stress(['run', fileURLToPath(new URL('./fixtures/reserved-invariant.js', import.meta.url)), '--runs', '1']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /reserved-invariant\.js: invariant name "no hang" is reserved for the harness's own checks .* \[ERR_SUITE_SHAPE\]/);
    assert.equal(r.out, '');
  });
});

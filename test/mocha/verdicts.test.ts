/** The seed line of stress.it failures: how to rerun depends on where the seed came from. */
import assert from 'node:assert/strict';
import { canaryVerdict } from '../../harness/mocha/verdicts.js';

const messageOf = (fromOption: boolean): string => {
  const v = canaryVerdict([], 'lost update', { seed: 's1', fromOption });
  assert.equal(v.ok, false);
  return v.ok ? '' : v.message;
};

describe('shakedown/mocha verdicts', () => {
  it('tells to rerun with STRESS_SEED when the seed came from it or was drawn at random', () => {
    assert.match(messageOf(false), /\nseed s1: rerun with STRESS_SEED=s1$/);
  });

  it('does not advise STRESS_SEED when the seed option fixed the seed (it takes priority)', () => {
    const msg = messageOf(true);
    assert.match(msg, /\nseed s1 \(the seed option of this stress\.it: every run of it uses this seed\)$/);
    assert.doesNotMatch(msg, /STRESS_SEED/);
  });
});

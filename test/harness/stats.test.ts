import assert from 'node:assert/strict';
import { wilson } from '../../harness/core/grade/stats.js';

describe('harness/stats', () => {
  it('gives the textbook Wilson interval', () => {
    // 10 of 100: 95% Wilson interval is about [5.52%, 17.4%].
    const [lo, hi] = wilson(10, 100);
    assert.ok(Math.abs(lo - 0.0552) < 0.0005, `lo ${lo}`);
    assert.ok(Math.abs(hi - 0.1744) < 0.0005, `hi ${hi}`);
  });

  it('keeps 0 and all failures inside [0, 1] with a non-zero width', () => {
    const [lo0, hi0] = wilson(0, 50);
    assert.equal(lo0, 0);
    assert.ok(hi0 > 0 && hi0 < 0.1);
    const [lo1, hi1] = wilson(50, 50);
    assert.ok(lo1 > 0.9 && lo1 < 1);
    assert.equal(hi1, 1);
    assert.deepEqual(wilson(0, 0), [0, 1]);
  });
});

import assert from 'node:assert/strict';
import { inShard, parseShard } from '../../harness/shard.js';
import { HarnessError } from '../../harness/errors.js';

describe('harness/shard', () => {
  it('parses i/n and rejects 0/3, 4/3, 1/0, a/b and 1-3 naming the flag', () => {
    assert.deepEqual(parseShard('--shard', '2/3'), { index: 2, total: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1-3', '']) {
      assert.throws(() => parseShard('--shard', bad), (e: unknown) => e instanceof HarnessError && e.code === 'ERR_USAGE' && /--shard: .* expected i\/n/.test(e.message), bad);
    }
  });

  it('puts every configuration index in exactly one of n shards', () => {
    for (const n of [1, 2, 3, 7]) {
      for (let i = 0; i < 50; i++) {
        const owners = Array.from({ length: n }, (_, k) => k + 1).filter((k) => inShard(i, { index: k, total: n }));
        assert.equal(owners.length, 1, `index ${i} of ${n} shards`);
      }
    }
  });
});

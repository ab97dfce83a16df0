import assert from 'node:assert/strict';
import { MAX_SHARDS, SLICE_TRIAL_SPAN, inShard, parseShard, shardItems } from '../../harness/core/plan/shard.js';
import { HarnessError } from '../../harness/core/shared/errors.js';

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

  it('with at least as many configurations as shards, the items of a shard are whole configurations', () => {
    for (const n of [1, 2, 3, 7]) {
      for (let i = 1; i <= n; i++) {
        const items = shardItems(20, { index: i, total: n }, 60);
        assert.deepEqual(items, Array.from({ length: 20 }, (_, k) => k).filter((k) => inShard(k, { index: i, total: n })).map((planIndex) => ({ planIndex })));
      }
    }
    assert.deepEqual(shardItems(3, undefined), [{ planIndex: 0 }, { planIndex: 1 }, { planIndex: 2 }]);
  });

  it('with more shards than configurations, slices trials so every (configuration, trial) is run by exactly one shard and no shard is idle', () => {
    for (const [configs, n, runs] of [[1, 3, 60], [2, 5, 100], [3, 4, 7], [1, 50, 1000], [4, 9, 10]] as const) {
      const ran = new Map<string, number>();
      for (let i = 1; i <= n; i++) {
        const items = shardItems(configs, { index: i, total: n }, runs);
        assert.ok(items.length > 0, `shard ${i}/${n} of ${configs} configurations has work`);
        for (const { planIndex, slice } of items) {
          assert.ok(slice !== undefined && slice.runs !== undefined && slice.runs > 0, `shard ${i}/${n}: a slice with trials`);
          for (let t = slice.firstTrial; t < slice.firstTrial + slice.runs; t++) ran.set(`${planIndex}/${t}`, (ran.get(`${planIndex}/${t}`) ?? 0) + 1);
        }
      }
      assert.equal(ran.size, configs * runs, `${configs} configurations x ${runs} runs over ${n} shards`);
      assert.ok([...ran.values()].every((c) => c === 1), 'no trial runs twice');
    }
  });

  it('never cuts a configuration into more slices than it has trials (the extra shards get nothing)', () => {
    const items = Array.from({ length: 5 }, (_, k) => shardItems(1, { index: k + 1, total: 5 }, 3));
    assert.deepEqual(items.map((it) => it.length), [1, 1, 1, 0, 0]);
    assert.deepEqual(items.flat().map((it) => [it.slice?.firstTrial, it.slice?.runs]), [[0, 1], [1, 1], [2, 1]]);
  });

  it('with a time budget, starts each slice SLICE_TRIAL_SPAN trials after the last, so slices never share a seed', () => {
    const firsts = Array.from({ length: 4 }, (_, k) => shardItems(2, { index: k + 1, total: 4 })).flat();
    assert.deepEqual(firsts.map((it) => [it.planIndex, it.slice?.index, it.slice?.firstTrial, it.slice?.runs]), [
      [0, 1, 0, undefined],
      [0, 2, SLICE_TRIAL_SPAN, undefined],
      [1, 1, 0, undefined],
      [1, 2, SLICE_TRIAL_SPAN, undefined],
    ]);
    // The last slice of the most shards still has exact trial indices to its span's end.
    const last = shardItems(1, { index: MAX_SHARDS, total: MAX_SHARDS })[0]!.slice!;
    assert.equal(last.firstTrial, (MAX_SHARDS - 1) * SLICE_TRIAL_SPAN);
    assert.ok(Number.isSafeInteger(last.firstTrial + SLICE_TRIAL_SPAN), 'below 2^53');
    assert.throws(() => parseShard('--shard', `1/${MAX_SHARDS + 1}`), /expected i\/n/);
  });
});

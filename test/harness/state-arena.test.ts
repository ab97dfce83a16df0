/** The trial-state arena behind ctx.alloc / ctx.int32: alignment, reuse with zeroing, and the escape hatches. */
import assert from 'node:assert/strict';
import { StateArena, allocatorOf } from '../../harness/core/execute/state-arena.js';

describe('harness/state-arena', () => {
  it('hands out 64-byte aligned, non-overlapping, zeroed memory from shared chunks', () => {
    const a = allocatorOf(new StateArena());
    const xs = Array.from({ length: 3000 }, () => a.int32(3));
    const spans = new Map<SharedArrayBuffer, Array<[number, number]>>();
    for (const x of xs) {
      assert.equal(x.byteOffset % 64, 0);
      assert.deepEqual([...x], [0, 0, 0]);
      const list = spans.get(x.buffer as SharedArrayBuffer) ?? [];
      list.push([x.byteOffset, x.byteOffset + x.byteLength]);
      spans.set(x.buffer as SharedArrayBuffer, list);
    }
    assert.ok(spans.size < 10, `3000 small states share a few buffers, got ${spans.size}`);
    for (const list of spans.values()) {
      list.sort((p, q) => p[0] - q[0]);
      for (let i = 1; i < list.length; i++) assert.ok(list[i]![0] >= list[i - 1]![1], 'allocations do not overlap');
    }
  });

  it('zeroes and reuses the memory after recycle()', () => {
    const arena = new StateArena();
    const a = allocatorOf(arena);
    const first = Array.from({ length: 2000 }, () => a.int32(4));
    for (const x of first) x.fill(7);
    arena.recycle();
    const second = Array.from({ length: 2000 }, () => a.int32(4));
    assert.equal(second[0]!.buffer, first[0]!.buffer, 'the same chunk is handed out again');
    for (const x of second) assert.deepEqual([...x], [0, 0, 0, 0]);
  });

  it('gives large allocations their own buffer, and abandon() never reuses a chunk', () => {
    const arena = new StateArena();
    const a = allocatorOf(arena);
    const big = a.alloc(1 << 20);
    assert.equal(big.byteOffset, 0);
    assert.ok(big.buffer.byteLength >= 1 << 20);
    const small = a.int32(1);
    small[0] = 5;
    arena.abandon();
    const after = a.int32(1);
    assert.notEqual(after.buffer, small.buffer);
    assert.equal(small[0], 5, 'abandoned memory is left alone (a killed worker may still have written it)');
  });

  it('rejects a bad size, naming ctx.alloc', () => {
    const a = allocatorOf(new StateArena());
    assert.throws(() => a.alloc(-1), /ctx\.alloc\(bytes\).*-1/);
    assert.throws(() => a.alloc(1.5), /ctx\.alloc/);
  });

  it('without an arena, every allocation is a fresh buffer (what a hand-written loop does)', () => {
    const a = allocatorOf(null);
    assert.notEqual(a.int32(1).buffer, a.int32(1).buffer);
  });
});

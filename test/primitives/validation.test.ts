/** Arguments that typed arrays would silently coerce are rejected up front with ERR_INVALID_ARG. */
import assert from 'node:assert/strict';
import { AtomicBigInt, AtomicInt, Queue } from '@shakedown/primitives';
import { codeOf } from '../helpers/errors.js';

describe('argument validation', function () {
  it('AtomicInt takes only 32-bit signed integers (no NaN -> 0, 2**32 -> 0, 1.7 -> 1)', function () {
    const a = new AtomicInt(5);
    assert.equal(codeOf(() => a.add(Number.NaN)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => a.set(1.7)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => a.set(2 ** 31)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => a.exchange(Infinity)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => a.compareExchange(5, 0.5)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => a.max(Number.NaN)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => a.sub('1' as unknown as number)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => new AtomicInt(2 ** 32)), 'ERR_INVALID_ARG');
    assert.equal(a.get(), 5, 'rejected calls changed nothing');
    assert.equal(a.add(-2147483648), -2147483643, 'the extremes are accepted (and wrap like Int32Array)');
  });

  it('AtomicBigInt takes only bigints within 64 signed bits', function () {
    const b = new AtomicBigInt(1n);
    assert.equal(codeOf(() => b.set(2n ** 63n)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => b.add(1 as unknown as bigint)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => new AtomicBigInt(-(2n ** 64n))), 'ERR_INVALID_ARG');
    assert.equal(b.add(2n ** 63n - 2n), 2n ** 63n - 1n);
  });

  it('a Queue refuses a view over shared memory (it would arrive as an unshared copy), but takes a plain copy', function () {
    const q = new Queue(2);
    const shared = new Int32Array(new SharedArrayBuffer(8));
    assert.equal(codeOf(() => q.putNowait(shared)), 'ERR_INVALID_ARG');
    assert.equal(codeOf(() => q.putNowait(new DataView(shared.buffer))), 'ERR_INVALID_ARG');
    q.putNowait(shared.slice());
    assert.deepEqual(q.getNowait(), new Int32Array(2));
  });

  it('a Queue larger than 1 GiB in all is refused with ERR_INVALID_ARG, not a bare RangeError', function () {
    assert.equal(codeOf(() => new Queue(1 << 24, { maxMessageBytes: 1 << 10 })), 'ERR_INVALID_ARG');
  });
});

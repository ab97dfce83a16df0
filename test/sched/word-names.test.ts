/**
 * Word names for the interleaving (execute/word-names.ts): a word covered by a view of the state is
 * named by its path; one no place covers keeps the model's `buf<id>+<byte>` every time it is asked
 * (a cache once turned the second and later mentions into a bare `1+8`).
 */
import assert from 'node:assert/strict';
import { WordNames } from '../../harness/core/execute/word-names.js';

describe('sched/word names', () => {
  it('names covered words by path, and leaves an uncovered word as the model wrote it, every time', () => {
    const buffer = new SharedArrayBuffer(16);
    // The view covers bytes 0-7 only: bytes 8-15 belong to no place of the state.
    const names = new WordNames({ board: new Int32Array(buffer, 0, 2) });
    assert.equal(names.rename('load buf1+4'), 'load board[1]');
    assert.equal(names.rename('load buf1+4'), 'load board[1]');
    for (let i = 0; i < 3; i++) assert.equal(names.rename('wait buf1+8 (expected 1)'), 'wait buf1+8 (expected 1)');
    assert.equal(names.nameOf(1, 8), undefined);
    assert.equal(names.nameOf(1, 8), undefined);
  });

  it('names a buffer held as { buffer } with no byteOffset by its path (a user primitive\'s own state)', () => {
    const names = new WordNames({ impl: { buffer: new SharedArrayBuffer(8) }, lock: { buffer: new SharedArrayBuffer(8), byteOffset: 0 } });
    assert.equal(names.rename('wait buf1+4'), 'wait impl.buffer+4');
    assert.equal(names.rename('load buf2+0'), 'load lock+0');
  });
});

/**
 * How long an in-worker batch may be: up to 65,536 trials, fewer for a suite whose setup makes many
 * primitives, so that a batch never reserves more primitive ids than one reservation may take
 * (reservePrimitiveIds refuses more than 2^28: a run would fail at its first long batch).
 */
import assert from 'node:assert/strict';
import { reservePrimitiveIds } from '@shakedown/primitives';
import { BatchMemory } from '../../harness/core/execute/batch-memory.js';

const ctx = { threads: 2, params: {}, variant: 'default' };

describe('harness/in-worker batch length', () => {
  it('is 65,536 trials for a few primitives per trial, and shrinks so that a batch reserves at most 2^24 ids', () => {
    for (const [idsPerTrial, expected] of [
      [1, 65_536],
      [256, 65_536],
      [1024, 16_384],
      [1 << 20, 16],
    ] as const) {
      const memory = new BatchMemory(ctx, ['t0', 't1'], 8, { stride: 64, idsPerTrial });
      assert.equal(memory.maxBatch, expected, `${idsPerTrial} ids per trial`);
      // The batch loop reserves maxBatch x idsPerTrial ids for the longest batch: that must be allowed.
      assert.doesNotThrow(() => reservePrimitiveIds(memory.maxBatch * idsPerTrial));
    }
  });
});

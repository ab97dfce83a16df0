/**
 * Primitive ids stay valid ids when the process-wide counter wraps. The counter is one Int32 word;
 * a soak of fast in-worker trials takes ~2^31 ids in minutes. An id must fit the Int32 words it is
 * kept in (held-lock entries, wait records), and 0 means "none" there.
 */
import assert from 'node:assert/strict';
import { getEnvironmentData } from 'node:worker_threads';
import { Lock, reservePrimitiveIds, withPrimitiveIds } from '@shakedown/primitives';

/** The registry's shared words (registry.ts ENV_KEY); word 3 is the id counter (H_NEXT_PRIMITIVE_ID). Internal: read here to put the counter where a long soak leaves it. */
const REGISTRY_KEY = 'shakedown.primitives.registry.v1';
const COUNTER_WORD = 3;
const INT32_MAX = 2 ** 31 - 1;

function counterWords(): Int32Array {
  new Lock(); // makes sure this thread's registry exists
  const buffer = getEnvironmentData(REGISTRY_KEY);
  assert.ok(buffer instanceof SharedArrayBuffer, 'the registry is published as environment data');
  return new Int32Array(buffer);
}

function validId(id: number): void {
  assert.ok(Number.isInteger(id) && id >= 1 && id <= INT32_MAX, `id ${id} is not in 1 .. 2^31 - 1`);
}

describe('primitive ids across the counter wrapping', () => {
  const words = counterWords();
  const saved = Atomics.load(words, COUNTER_WORD);
  // Back to where it was (ids handed out here were far from it): later tests' ids stay unique.
  afterEach(() => Atomics.store(words, COUNTER_WORD, saved));

  it('single ids around 2^31 and around the 32-bit wrap are all in 1 .. 2^31 - 1, never 0', () => {
    for (const start of [INT32_MAX - 3, -3]) {
      Atomics.store(words, COUNTER_WORD, start);
      const ids = Array.from({ length: 8 }, () => new Lock().id);
      ids.forEach(validId);
      assert.equal(new Set(ids).size, ids.length, `distinct ids from ${start}: ${ids.join(', ')}`);
    }
  });

  it('a reserved block never straddles the end of the range: every id in it is valid and they are consecutive', () => {
    for (const start of [INT32_MAX - 10, -10, 0]) {
      Atomics.store(words, COUNTER_WORD, start);
      const first = reservePrimitiveIds(100);
      validId(first);
      validId(first + 99);
      // The harness's in-worker trials build their primitives from such a block.
      const ids = withPrimitiveIds(first + 97, 3, () => [new Lock().id, new Lock().id, new Lock().id]);
      assert.deepEqual(ids, [first + 97, first + 98, first + 99]);
    }
  });

  it('a lock with an id at the top of the range is held and released like any other', () => {
    Atomics.store(words, COUNTER_WORD, INT32_MAX);
    const lock = new Lock();
    assert.equal(lock.id, INT32_MAX);
    assert.equal(lock.acquire(100), true);
    assert.deepEqual([lock.locked(), lock.heldByMe()], [true, true]);
    lock.release();
    assert.deepEqual([lock.locked(), lock.heldByMe()], [false, false]);
  });

  it('reservePrimitiveIds refuses a count that is not a positive integer, naming it', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 30]) assert.throws(() => reservePrimitiveIds(bad), /reservePrimitiveIds\(count\): expected an integer from 1 to/);
  });
});

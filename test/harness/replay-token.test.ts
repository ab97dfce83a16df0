import assert from 'node:assert/strict';
import { decodeReplay, encodeReplay } from '../../harness/replay-token.js';
import type { Configuration } from '../../harness/results.js';
import { HarnessError } from '../../harness/errors.js';

describe('harness/replay-token', () => {
  const config: Configuration = {
    key: 'counter/unlocked/t2/c-all/j-none',
    suite: 'counter',
    suiteUrl: 'file:///x/counter.js',
    variant: 'unlocked',
    canary: true,
    threads: 2,
    cores: 'all',
    jitter: 'spin-1us',
    params: { increments: 3 },
    seed: 'abc',
  };

  it('round-trips every field a replay needs', () => {
    const t = decodeReplay(encodeReplay(config, 1234, 800));
    assert.deepEqual(t, {
      suiteUrl: 'file:///x/counter.js',
      suite: 'counter',
      variant: 'unlocked',
      params: { increments: 3 },
      threads: 2,
      cores: 'all',
      jitter: 'spin-1us',
      seed: 'abc',
      trial: 1234,
      timeoutMs: 800,
    });
  });

  it('is shell-safe (base64url only)', () => {
    assert.match(encodeReplay(config, 1, 1000), /^[A-Za-z0-9_-]+$/);
  });

  it('rejects a token cut short or made up, with ERR_REPLAY_TOKEN', () => {
    const token = encodeReplay(config, 7, 1000);
    for (const bad of [token.slice(0, 20), 'hello', '']) {
      assert.throws(() => decodeReplay(bad), (e: unknown) => e instanceof HarnessError && e.code === 'ERR_REPLAY_TOKEN');
    }
  });
});

import assert from 'node:assert/strict';
import { decodeReplay, encodeReplay } from '../../harness/core/record/replay-token.js';
import type { Configuration } from '../../harness/core/grade/results.js';
import { HarnessError } from '../../harness/core/shared/errors.js';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

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
      urlParams: [],
      threads: 2,
      cores: 'all',
      jitter: 'spin-1us',
      seed: 'abc',
      trial: 1234,
      timeoutMs: 800,
    });
  });

  it('writes module URLs relative to the package (built-in suites) or the working directory (user suites), so a token replays in another checkout', () => {
    const builtin = new URL('../../suites/counter.js', import.meta.url).href;
    const user = pathToFileURL(join(process.cwd(), 'test', 'my-suite.js')).href;
    const impl = new URL('../../suites/impls/shakedown-lock.js', import.meta.url).href;
    const raw = (c: Configuration): { u: string; p: Record<string, unknown> } =>
      JSON.parse(Buffer.from(encodeReplay(c, 1, 1000), 'base64url').toString('utf8')) as { u: string; p: Record<string, unknown> };
    assert.equal(raw({ ...config, suiteUrl: builtin }).u, 'pkg:suites/counter.js');
    assert.equal(raw({ ...config, suiteUrl: user }).u, 'cwd:test/my-suite.js');
    assert.equal(raw({ ...config, params: { impl } }).p.impl, 'pkg:suites/impls/shakedown-lock.js');
    const back = decodeReplay(encodeReplay({ ...config, suiteUrl: user, params: { impl, n: 2 } }, 1, 1000));
    assert.equal(back.suiteUrl, user);
    assert.deepEqual(back.params, { impl, n: 2 });
  });

  it('leaves parameters that only look like module URLs alone, and a remote file URL as it is', () => {
    const back = decodeReplay(encodeReplay({ ...config, params: { tag: 'cwd:strict', other: 'pkg:x', remote: 'file://server/share/x.js' } }, 1, 1000));
    assert.deepEqual(back.params, { tag: 'cwd:strict', other: 'pkg:x', remote: 'file://server/share/x.js' });
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

  it('round-trips BigInt parameters, top-level and nested, and leaves strings of digits strings', () => {
    const params = { limit: 5n, huge: -(2n ** 70n), nested: { at: [1, 2n] }, digits: '123' } as unknown as Configuration['params'];
    const back = decodeReplay(encodeReplay({ ...config, params }, 1, 1000));
    assert.deepEqual(back.params, params);
    assert.equal(typeof (back.params as unknown as { limit: unknown }).limit, 'bigint');
  });

  it('still gives a token when the parameters cannot be written (a cycle), and replaying it says so', () => {
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    const token = encodeReplay({ ...config, params: cyclic as Configuration['params'] }, 1, 1000);
    assert.throws(() => decodeReplay(token), (e: unknown) => e instanceof HarnessError && e.code === 'ERR_REPLAY_TOKEN' && /could not carry the run's parameters \("a cycle at self/.test(e.message));
  });

  it('rejects a pb that does not name a decimal string in p', () => {
    const raw = (o: Record<string, unknown>): string =>
      Buffer.from(JSON.stringify({ v: 1, u: 'pkg:suites/counter.js', s: 'counter', va: 'unlocked', t: 2, c: 'all', j: 'none', seed: 's', trial: 0, to: 1000, ...o })).toString('base64url');
    for (const bad of [{ p: { n: 'x' }, pb: [['n']] }, { p: { n: 1 }, pb: [['n']] }, { p: {}, pb: [['n']] }, { p: { n: '1' }, pb: 'n' }, { p: { a: { constructor: '1' } } }]) {
      assert.throws(() => decodeReplay(raw(bad)), (e: unknown) => e instanceof HarnessError && e.code === 'ERR_REPLAY_TOKEN' && /field p/.test(e.message), JSON.stringify(bad));
    }
  });
});

import assert from 'node:assert/strict';
import { decodeReplay, encodeReplay } from '../../harness/core/record/replay-token.js';
import type { Configuration } from '../../harness/core/grade/results.js';
import { HarnessError } from '../../harness/core/shared/errors.js';
import type { ScheduleSpec } from '../../harness/core/schedule/types.js';
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

  describe('controlled schedules', () => {
    const controlled: Configuration = { ...config, key: 'counter/unlocked/t2/c-all/j-none/s-ctl', jitter: 'none', schedule: 'ctl' };
    const json = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    const raw = (o: Record<string, unknown>): string =>
      Buffer.from(JSON.stringify({ v: 2, u: 'pkg:suites/counter.js', s: 'counter', va: 'unlocked', t: 2, c: 'all', j: 'none', seed: 's', trial: 0, to: 1000, sn: 'ctl', ...o })).toString('base64url');
    const refused = (token: string, message: RegExp): void => {
      assert.throws(() => decodeReplay(token), (e: unknown) => e instanceof HarnessError && e.code === 'ERR_REPLAY_TOKEN' && message.test(e.message), message.source);
    };

    it('round-trips every spec kind with its schedule name and hash, as version 2', () => {
      const specs: ScheduleSpec[] = [
        { kind: 'random', seed: 0 },
        { kind: 'random', seed: 0xffffffff },
        { kind: 'pct', seed: 7, depth: 3, steps: 120 },
        { kind: 'pct', seed: 1, depth: 10, steps: 10_000_000 },
        { kind: 'switches', switches: [[6, 1], [16, 1], [17, 0]] },
        { kind: 'switches', switches: [] },
      ];
      for (const spec of specs) {
        const token = encodeReplay(controlled, 5, 1000, 8, { spec, hash: '3fa9c2e1' });
        assert.equal(json(token).v, 2);
        const t = decodeReplay(token);
        assert.equal(t.schedule, 'ctl');
        assert.deepEqual(t.scheduleSpec, spec);
        assert.equal(t.scheduleHash, '3fa9c2e1');
        assert.equal(t.trial, 5);
        assert.equal(t.jitter, 'none');
      }
      const written = json(encodeReplay(controlled, 1, 1000, undefined, { spec: { kind: 'switches', switches: [[6, 1], [16, 0]] }, hash: '00000000' }));
      assert.deepEqual([written.sn, written.sc, written.h], ['ctl', { k: 'switches', sw: '6.1,16.0' }, '00000000'], 'compact, as design section 6.3 writes it');
    });

    it('writes the schedule name of a controlled configuration without a spec (v 2); refuses a spec without a schedule name (it would replay free, silently)', () => {
      const named = decodeReplay(encodeReplay({ ...controlled, key: 'counter/unlocked/t2/c-all/j-none/s-pct3', schedule: 'pct:3' }, 1, 1000));
      assert.equal(named.schedule, 'pct:3');
      assert.equal(named.scheduleSpec, undefined);
      refused(encodeReplay(config, 1, 1000, undefined, { spec: { kind: 'random', seed: 9 }, hash: 'abcdef01' }), /field sn \(schedule\) is missing \(was the token cut when pasted\?\); expected the controlled schedule beside sc/);
    });

    it('keeps free-running tokens at version 1, and decodes a version 1 token written by hand unchanged', () => {
      const free = encodeReplay(config, 3, 1000);
      assert.equal(json(free).v, 1);
      assert.ok(!('sn' in json(free)) && !('sc' in json(free)) && !('h' in json(free)));
      const v1 = Buffer.from(JSON.stringify({ v: 1, u: 'file:///x/counter.js', s: 'counter', va: 'unlocked', p: { increments: 3 }, t: 2, c: 'all', j: 'spin-1us', seed: 'abc', trial: 1234, to: 800 })).toString('base64url');
      const t = decodeReplay(v1);
      assert.deepEqual(t, decodeReplay(encodeReplay(config, 1234, 800)));
      assert.equal(t.schedule, undefined);
      assert.equal(t.scheduleSpec, undefined);
    });

    it('says a token from a newer version is one, before complaining of its fields', () => {
      refused(raw({ v: 3, zz: 1 }), /replay token is from a newer version of shakedown \(token version 3; this one reads versions 1 and 2\)/);
    });

    it('refuses every bad schedule field, naming it', () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ v: 1 }, /field v \(version\) is 1; expected 2 \(the token has schedule fields/],
        [{ v: 2, sn: undefined }, /field v \(version\) is 2; expected 1 \(version 2 tokens carry a schedule/],
        [{ sn: 'free' }, /field sn \(schedule\) is "free"; expected a controlled schedule: ctl, random or pct:D/],
        [{ sn: 'pct:11' }, /field sn \(schedule\) is "pct:11"/],
        [{ sn: 3 }, /field sn \(schedule\) is 3/],
        [{ j: 'spin-1us' }, /field sn \(schedule\) is "ctl"; expected absent, since a controlled configuration runs at cores all and jitter none/],
        [{ c: 1 }, /field sn \(schedule\) is "ctl"; expected absent/],
        [{ sc: { k: 'random', seed: 1 } }, /field h \(interleaving hash\) is missing/],
        [{ h: '3fa9c2e1' }, /field sc \(schedule spec\) is missing/],
        [{ sc: { k: 'random', seed: 1 }, h: '3FA9C2E1' }, /field h \(interleaving hash\) is "3FA9C2E1"; expected 8 hex digits/],
        [{ sc: { k: 'random', seed: 1 }, h: '3fa9c2e' }, /field h \(interleaving hash\)/],
        [{ sc: { k: 'random', seed: 1 }, h: 12345678 }, /field h \(interleaving hash\)/],
        [{ sc: [], h: '3fa9c2e1' }, /field sc \(schedule spec\) is \[\]; expected an object/],
        [{ sc: { k: 'burst', seed: 1 }, h: '3fa9c2e1' }, /field sc\.k \(schedule kind\) is "burst"/],
        [{ sc: { k: 'random', seed: -1 }, h: '3fa9c2e1' }, /field sc\.seed \(schedule seed\) is -1; expected a whole number from 0 to 4294967295/],
        [{ sc: { k: 'random', seed: 2 ** 32 }, h: '3fa9c2e1' }, /field sc\.seed \(schedule seed\)/],
        [{ sc: { k: 'random', seed: 1.5 }, h: '3fa9c2e1' }, /field sc\.seed \(schedule seed\)/],
        [{ sc: { k: 'random', seed: '1' }, h: '3fa9c2e1' }, /field sc\.seed \(schedule seed\)/],
        [{ sc: { k: 'random', seed: 1, d: 3 }, h: '3fa9c2e1' }, /unknown field sc\.d; a random schedule has only k, seed/],
        [{ sc: { k: 'pct', seed: 1, d: 0, n: 10 }, h: '3fa9c2e1' }, /field sc\.d \(PCT depth\) is 0; expected a whole number from 1 to 10/],
        [{ sc: { k: 'pct', seed: 1, d: 11, n: 10 }, h: '3fa9c2e1' }, /field sc\.d \(PCT depth\) is 11/],
        [{ sc: { k: 'pct', seed: 1, d: 2, n: 0 }, h: '3fa9c2e1' }, /field sc\.n \(PCT steps\) is 0; expected a whole number from 1 to 10000000/],
        [{ sc: { k: 'pct', seed: 1, d: 2, n: 10_000_001 }, h: '3fa9c2e1' }, /field sc\.n \(PCT steps\)/],
        [{ sc: { k: 'pct', seed: 1, d: 2 }, h: '3fa9c2e1' }, /field sc\.n \(PCT steps\) is missing/],
        [{ sc: { k: 'switches', sw: [[6, 1]] }, h: '3fa9c2e1' }, /field sc\.sw \(switches\) is \[\[6,1\]\]; expected "step\.thread" pairs/],
        [{ sc: { k: 'switches', sw: '6.2' }, h: '3fa9c2e1' }, /field sc\.sw \(switches\) is "6\.2"; expected .*threads from 0 to 1/],
        [{ sc: { k: 'switches', sw: '-1.1' }, h: '3fa9c2e1' }, /field sc\.sw \(switches\) is "-1\.1"/],
        [{ sc: { k: 'switches', sw: '6.1,6.0' }, h: '3fa9c2e1' }, /field sc\.sw \(switches\) is "6\.0"; expected .*steps increasing/],
        [{ sc: { k: 'switches', sw: '7.1,6.0' }, h: '3fa9c2e1' }, /field sc\.sw \(switches\) is "6\.0"/],
        [{ sc: { k: 'switches', sw: '10000001.1' }, h: '3fa9c2e1' }, /field sc\.sw \(switches\) is "10000001\.1"/],
        [{ sc: { k: 'switches', sw: '6.1,' }, h: '3fa9c2e1' }, /field sc\.sw \(switches\) is ""/],
        [{ sc: { k: 'switches', sw: '6:1' }, h: '3fa9c2e1' }, /field sc\.sw \(switches\) is "6:1"/],
        [{ sc: { k: 'switches', sw: Array.from({ length: 10_001 }, (_, i) => `${i + 1}.0`).join(',') }, h: '3fa9c2e1' }, /field sc\.sw \(switches\) is "10001 switches"; expected .*at most 10000/],
        [{ sc: { k: 'switches', sw: '1.0'.padEnd(200_000, '0') }, h: '3fa9c2e1' }, /field sc\.sw \(switches\) is "1\.0000/],
      ];
      for (const [fields, message] of cases) refused(raw(fields), message);
      // The longest list accepted: MAX_SWITCHES switches.
      const longest = Array.from({ length: 10_000 }, (_, i) => `${i + 1}.${i % 2}`).join(',');
      assert.equal(decodeReplay(raw({ sc: { k: 'switches', sw: longest }, h: '3fa9c2e1' })).scheduleSpec?.kind, 'switches');
    });
  });
});

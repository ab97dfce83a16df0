/**
 * Property-based tests (fast-check) over the flag parsers, the option
 * builder and config-file validation: valid values round-trip; anything
 * else is a HarnessError with a code that names the flag, never a crash.
 * Fixed seeds and bounded numRuns keep them fast and reproducible.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration, parsePositiveInt, parseThreads, MAX_THREADS } from '../../harness/core/settings/parse.js';
import { runOptionsFrom } from '../../harness/cli/options.js';
import { loadConfigFile } from '../../harness/core/settings/config-file.js';
import { parseShard } from '../../harness/core/plan/shard.js';
import { HarnessError } from '../../harness/core/shared/errors.js';

const RUNS = { numRuns: 300, seed: 20261127 };

function isUsage(err: unknown, flag: string, code = 'ERR_USAGE'): boolean {
  return err instanceof HarnessError && err.code === code && err.message.startsWith(flag) && !err.message.includes('\n');
}

const VALID_DURATION = /^\s*\d+(\.\d+)?(ms|s|m|h)?\s*$/;

describe('harness/cli properties (fast-check)', () => {
  it('any list of distinct valid thread counts round-trips, with or without spaces', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: MAX_THREADS }), { minLength: 1, maxLength: 8 }), fc.constantFrom(',', ', ', ' ,'), (threads, sep) => {
        assert.deepEqual(parseThreads('--threads', threads.join(sep)), threads);
      }),
      RUNS,
    );
  });

  it('any thread item outside 1..256 or not a whole number is rejected with ERR_USAGE naming --threads', () => {
    const bad = fc.oneof(fc.integer({ max: 0 }).map(String), fc.integer({ min: MAX_THREADS + 1 }).map(String), fc.string().filter((s) => !/^\s*\d+\s*$/.test(s) || s.includes(',')));
    fc.assert(
      fc.property(bad, (raw) => {
        assert.throws(() => parseThreads('--threads', raw), (e) => isUsage(e, '--threads'));
      }),
      RUNS,
    );
  });

  it('a number with a unit parses to that many ms; any other string is rejected with ERR_USAGE naming the flag', () => {
    const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(...(Object.keys(units) as Array<keyof typeof units>)), (n, unit) => {
        assert.equal(parseDuration('--time-budget', `${n}${unit}`), n * units[unit]);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.string().filter((s) => !VALID_DURATION.test(s)), (raw) => {
        assert.throws(() => parseDuration('--time-budget', raw), (e) => isUsage(e, '--time-budget'));
      }),
      RUNS,
    );
  });

  it('positive integers round-trip; non-digits, zero and values over the maximum are rejected', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e9 }), (n) => assert.equal(parsePositiveInt('--runs', String(n)), n)), RUNS);
    const bad = fc.oneof(fc.constant('0'), fc.integer({ min: 1e9 + 1 }).map(String), fc.string().filter((s) => !/^\d+$/.test(s)));
    fc.assert(fc.property(bad, (raw) => assert.throws(() => parsePositiveInt('--runs', raw), (e) => isUsage(e, '--runs'))), RUNS);
  });

  it('shards i/n with 1 <= i <= n round-trip; i > n (e.g. 4/3) and i = 0 are rejected', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 10_000 }), (a, b) => {
        const [i, n] = a <= b ? [a, b] : [b, a];
        assert.deepEqual(parseShard('--shard', `${i}/${n}`), { index: i, total: n });
        if (a !== b) assert.throws(() => parseShard('--shard', `${n}/${i}`), (e) => isUsage(e, '--shard'));
        assert.throws(() => parseShard('--shard', `0/${n}`), (e) => isUsage(e, '--shard'));
      }),
      RUNS,
    );
  });

  it('runOptionsFrom never throws anything but a one-line HarnessError, for arbitrary argv', async () => {
    const flag = fc.constantFrom(
      '--threads', '--cores', '--jitter', '--runs', '--time-budget', '--seed', '--timeout', '--fail-fast', '--max-failures',
      '--grep', '--param', '--impl', '--trace-events', '--shard', '--verbose', '--reporter', '--json', '--bogus', '-x', '--',
    );
    const token = fc.oneof(flag, fc.string({ maxLength: 12 }), fc.integer({ min: -5, max: 300 }).map(String), fc.constantFrom('0', '-1', 'abc', '100000', '5parsecs', '4/3', 'all', 'none'));
    // Kept away from --config (files) by construction: config files have their own property below.
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 8 }), async (argv) => {
        try {
          await runOptionsFrom(argv);
        } catch (e) {
          assert.ok(e instanceof HarnessError, `argv ${JSON.stringify(argv)} threw ${String(e)}`);
          assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
        }
      }),
      { ...RUNS, numRuns: 400 },
    );
  });

  describe('config files', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'config-props-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const KNOWN = ['suites', 'threads', 'cores', 'jitter', 'runs', 'timeBudget', 'duration', 'seed', 'timeout', 'failFast', 'maxFailures', 'grep', 'params', 'impl', 'traceEvents'];

    it('duration sets a soak run; --duration wins; with runs it is a usage error naming the file', async () => {
      const path = join(dir, 'soak.json');
      writeFileSync(path, JSON.stringify({ duration: '8h', timeBudget: '30s' }));
      assert.equal((await runOptionsFrom(['--config', path])).options.durationMs, 8 * 3600_000);
      assert.equal((await runOptionsFrom(['--config', path, '--duration', '2m'])).options.durationMs, 120_000);
      writeFileSync(path, JSON.stringify({ duration: 60_000, runs: 10 }));
      await assert.rejects(runOptionsFrom(['--config', path]), (e) => isUsage(e, path, 'ERR_USAGE') && /duration: a soak runs for a time/.test((e as Error).message));
    });

    it('any unknown key is rejected with ERR_CONFIG naming it and listing the known keys', async () => {
      const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !KNOWN.includes(k) && k !== '__proto__');
      await fc.assert(
        fc.asyncProperty(key, fc.jsonValue(), async (k, v) => {
          const path = join(dir, 'c.json');
          writeFileSync(path, JSON.stringify({ runs: 5, [k]: v }));
          await assert.rejects(loadConfigFile(path), (e) => isUsage(e, path, 'ERR_CONFIG') && (e as Error).message.includes(`unknown key ${JSON.stringify(k)}`) && (e as Error).message.includes('known keys'));
        }),
        { ...RUNS, numRuns: 100 },
      );
    });

    it('a known key with a value of the wrong type is rejected with ERR_CONFIG naming the key', async () => {
      const wrong = fc.oneof(
        fc.record({ k: fc.constantFrom('runs', 'maxFailures', 'traceEvents'), v: fc.oneof(fc.string(), fc.boolean(), fc.array(fc.integer())) }),
        fc.record({ k: fc.constantFrom('suites', 'threads', 'cores', 'jitter'), v: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)) }),
        fc.record({ k: fc.constant('failFast'), v: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }),
        fc.record({ k: fc.constantFrom('seed', 'grep'), v: fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string())) }),
        fc.record({ k: fc.constantFrom('params', 'impl'), v: fc.oneof(fc.string(), fc.integer(), fc.array(fc.string()), fc.constant(null)) }),
        fc.record({ k: fc.constantFrom('timeBudget', 'duration', 'timeout'), v: fc.oneof(fc.boolean(), fc.array(fc.integer()), fc.constant(null)) }),
      );
      await fc.assert(
        fc.asyncProperty(wrong, async ({ k, v }) => {
          const path = join(dir, 'c.json');
          writeFileSync(path, JSON.stringify({ [k]: v }));
          await assert.rejects(loadConfigFile(path), (e) => isUsage(e, path, 'ERR_CONFIG') && (e as Error).message.includes(`${k} must be a`));
        }),
        { ...RUNS, numRuns: 100 },
      );
    });

    it('any text that is not JSON is rejected with ERR_CONFIG, in one line', async () => {
      const notJson = fc.string({ maxLength: 40 }).filter((s) => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      });
      await fc.assert(
        fc.asyncProperty(notJson, async (text) => {
          const path = join(dir, 'c.json');
          writeFileSync(path, text);
          await assert.rejects(loadConfigFile(path), (e) => isUsage(e, path, 'ERR_CONFIG') && (e as Error).message.includes('cannot read config'));
        }),
        { ...RUNS, numRuns: 100 },
      );
    });
  });
});

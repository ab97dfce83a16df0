/**
 * Deadlines a Node timer can hold. setTimeout takes at most 2^31-1 ms; past that Node warns
 * (TimeoutOverflowWarning) and fires after 1 ms, so a long deadline expired at once: `--timeout
 * 1000h` made prepare()'s deadline (10 trial timeouts) fire immediately, a false ERROR. Computed
 * deadlines are clamped, settings above the limit are refused (exit 2), and so are malformed
 * STRESS_MAIN_STALL_MS values (before: silently ignored).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stress } from '../helpers/cli.js';
import { MAX_TIMER_MS, prepareTimeoutMs, userCodeTimeoutMs, withDeadline } from '../../harness/core/shared/deadline.js';
import { mainStallOverrideMs, stallLimitMs } from '../../harness/cli/main-thread-watchdog.js';
import { HarnessError } from '../../harness/core/shared/errors.js';

const isUsage = (pattern: RegExp) => (e: unknown): boolean => e instanceof HarnessError && e.code === 'ERR_USAGE' && pattern.test(e.message);

describe('deadlines: never longer than a timer can hold', function () {
  this.timeout(120_000);

  describe('harness/deadline.ts', () => {
    it("prepare()'s deadline, 10 trial timeouts, is clamped to 2^31-1 ms", () => {
      assert.equal(MAX_TIMER_MS, 2 ** 31 - 1);
      assert.equal(prepareTimeoutMs(1000 * 3_600_000, {}), MAX_TIMER_MS);
      assert.equal(prepareTimeoutMs(1000, {}), 30_000, 'short timeouts keep the default');
      assert.equal(prepareTimeoutMs(24 * 3_600_000, {}), 240 * 3_600_000, 'the longest --timeout fits unclamped');
    });

    it('withDeadline with a deadline past the timer limit waits for the work (it does not fire after 1 ms)', async () => {
      const warnings: string[] = [];
      const onWarning = (w: Error): void => void warnings.push(w.name);
      process.on('warning', onWarning);
      try {
        const work = new Promise<string>((resolve) => setTimeout(() => resolve('done'), 200));
        assert.equal(await withDeadline(work, 100_000_000_000, 'the work'), 'done');
        // Warnings are emitted on the next tick: give them a moment before looking.
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        process.off('warning', onWarning);
      }
      assert.ok(!warnings.includes('TimeoutOverflowWarning'), `no overflow warning: ${warnings.join(', ')}`);
    });

    it('STRESS_USER_CODE_TIMEOUT_MS above 2^31-1 is refused', () => {
      assert.equal(userCodeTimeoutMs({ STRESS_USER_CODE_TIMEOUT_MS: String(MAX_TIMER_MS) }), MAX_TIMER_MS);
      assert.throws(() => userCodeTimeoutMs({ STRESS_USER_CODE_TIMEOUT_MS: '99999999999' }), isUsage(/"99999999999" is not a timeout; expected a whole number of milliseconds > 0, at most 2147483647/));
      assert.throws(() => userCodeTimeoutMs({ STRESS_USER_CODE_TIMEOUT_MS: String(MAX_TIMER_MS + 1) }), isUsage(/is not a timeout/));
    });

    it('STRESS_MAIN_STALL_MS: a whole number of ms, else a usage error', () => {
      assert.equal(mainStallOverrideMs({}), undefined);
      assert.equal(mainStallOverrideMs({ STRESS_MAIN_STALL_MS: '' }), undefined);
      assert.equal(stallLimitMs(1000, { STRESS_MAIN_STALL_MS: '3000' }), 3000);
      assert.equal(stallLimitMs(1000, {}), 60_000);
      for (const bad of ['abc', '1.5', '-5', '0', '1e3', '99999999999']) {
        assert.throws(() => stallLimitMs(1000, { STRESS_MAIN_STALL_MS: bad }), isUsage(/STRESS_MAIN_STALL_MS: .* is not a stall limit; expected a whole number of milliseconds/), bad);
      }
    });
  });

  describe('the CLI', () => {
    let dir: string;
    let suite: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'stress-deadline-'));
      suite = join(dir, 'slow-prepare.mjs');
      // prepare() takes a moment: a deadline that fired at once would make it an ERROR.
      writeFileSync(suite, `export default {
  name: 'slow-prepare', description: 'fixture', threads: [1],
  prepare: () => new Promise((resolve) => setTimeout(resolve, 200)),
  setup: () => null, actor: () => null, invariants: { holds: () => true },
};
`);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('--timeout above 24h is a usage error (before: prepare() failed at once, exit 3)', () => {
      const r = stress(['run', suite, '--runs', '1', '--jitter', 'none', '--timeout', '1000h'], {}, 60_000);
      assert.equal(r.code, 2, r.out + r.err);
      assert.equal(r.err, 'stress: --timeout: "1000h" is longer than the longest trial timeout, 24h; expected e.g. 1s, 30s, 10m [ERR_USAGE]\n');
    });

    it('--timeout 24h is accepted: prepare() gets its time, no overflow warning, exit 0', () => {
      const r = stress(['run', suite, '--runs', '1', '--jitter', 'none', '--timeout', '24h'], {}, 60_000);
      assert.equal(r.code, 0, r.out + r.err);
      assert.doesNotMatch(r.err, /TimeoutOverflowWarning/);
    });

    it('STRESS_USER_CODE_TIMEOUT_MS=99999999999 is a usage error before anything loads (before: module loading failed at once)', () => {
      const r = stress(['run', suite, '--runs', '1', '--jitter', 'none'], { STRESS_USER_CODE_TIMEOUT_MS: '99999999999' }, 60_000);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /^stress: STRESS_USER_CODE_TIMEOUT_MS: "99999999999" is not a timeout; .* \[ERR_USAGE\]\n$/);
      assert.equal(r.out, '');
    });

    it('STRESS_MAIN_STALL_MS=abc is a usage error (before: silently ignored)', () => {
      const r = stress(['run', suite, '--runs', '1', '--jitter', 'none'], { STRESS_MAIN_STALL_MS: 'abc' }, 60_000);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /^stress: STRESS_MAIN_STALL_MS: "abc" is not a stall limit; .* \[ERR_USAGE\]\n$/);
    });
  });
});

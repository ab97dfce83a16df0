/**
 * Values the CLI accepted without a word, or blamed on the wrong thing (issue 17, item 15):
 * `--threads 2,2` was blamed on suite names, `--seed ''` and `--time-budget 5` (5 ms) were taken
 * as given, and a bad `seed` in stress.config.json was reported as coming from STRESS_SEED.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stress } from '../helpers/cli.js';
import { checkRunOptions } from '../../harness/core/settings/run-options.js';
import { HarnessError } from '../../harness/core/shared/errors.js';

describe('cli: flag and config values get a message naming them', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-flags-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a value repeated in --threads, --cores or --jitter is named with its flag, not blamed on suite names', () => {
    for (const [flag, value, repeated] of [['--threads', '2,4,2', '2'], ['--cores', 'all,all', '"all"'], ['--jitter', 'none,none', '"none"']] as const) {
      const r = stress(['list', 'counter', flag, value]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.ok(r.err.includes(`${flag}: ${repeated} is given twice; list each value once`), r.err);
      assert.doesNotMatch(r.err, /suite names/);
    }
  });

  it('a single-valued flag given twice is refused naming both, not silently the last (--threads 1 --threads 2 ran threads 2 only)', () => {
    const cases: Array<[string[], RegExp]> = [
      [['run', 'counter', '--threads', '1', '--threads', '2'], /--threads is given twice \(--threads 1, then --threads 2\); give it once \(a list flag takes a comma list: --threads 1,2\)/],
      [['run', 'counter', '--shard', '1/3', '--shard=2/3'], /--shard is given twice \(--shard 1\/3, then --shard 2\/3\)/],
      [['list', 'counter', '--runs', '5', '--runs', '7'], /--runs is given twice/],
      [['merge', 'a.jsonl', '--junit-flaky', 'failure', '--junit-flaky', 'repeat'], /--junit-flaky is given twice/],
    ];
    for (const [args, expected] of cases) {
      const r = stress(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}${r.err}`);
      assert.match(r.err, expected);
      assert.equal(r.out, '', 'nothing ran');
    }
    // A parameter or a reporter option given twice, or the flaky encoding set two ways, also kept one silently.
    const twice: Array<[string[], RegExp]> = [
      [['run', 'counter', '--param', 'increments=1', '--param', 'increments=2'], /--param: increments is given twice; give each parameter once/],
      [['run', 'counter', '--reporter-option', 'k=1', '--reporter-option', 'k=2'], /--reporter-option: k is given twice; give each key once/],
      [['run', 'counter', '--junit-flaky', 'failure', '--reporter-option', 'junit.flaky=repeat'], /--junit-flaky and --reporter-option junit\.flaky= both set the flaky encoding; give one/],
      [['run', 'counter', '--reporter-option', 'junit.flaky=bogus'], /--reporter-option junit\.flaky: "bogus" is not a flaky encoding/],
    ];
    for (const [args, expected] of twice) {
      const r = stress(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}${r.err}`);
      assert.match(r.err, expected);
    }
    // A boolean twice asks for the same thing twice: accepted.
    const bool = stress(['list', 'counter', '--fail-fast', '--fail-fast']);
    assert.equal(bool.code, 0, bool.err);
    // Flags meant to repeat still do.
    const ok = stress(['run', 'counter', '--grep', 'atomic', '--runs', '2', '--threads', '1', '--jitter', 'none', '--reporter', 'console', '--reporter', `jsonl:${join(dir, 'twice.jsonl')}`]);
    assert.equal(ok.code, 0, ok.err);
  });

  it('run() names a repeated value too', () => {
    assert.throws(() => checkRunOptions({ threads: [2, 2] }), (e) => e instanceof HarnessError && e.code === 'ERR_USAGE' && e.message === 'run(): threads lists 2 twice; list each value once');
  });

  it('an empty --seed or config seed is refused; an empty STRESS_SEED still means unset', () => {
    const flag = stress(['list', 'counter', '--seed', '']);
    assert.equal(flag.code, 2, flag.out + flag.err);
    assert.match(flag.err, /--seed is empty; expected a seed of 1-64 letters/);
    const path = join(dir, 'empty-seed.json');
    writeFileSync(path, '{"seed": ""}');
    const file = stress(['list', 'counter', '--config', path]);
    assert.equal(file.code, 2, file.out + file.err);
    assert.ok(file.err.includes(`${path}: seed is empty`), file.err);
    const env = stress(['list', 'counter'], { STRESS_SEED: '' });
    assert.equal(env.code, 0, env.out + env.err);
  });

  it('a bad seed in the config file is blamed on the file, not on STRESS_SEED', () => {
    const path = join(dir, 'bad-seed.json');
    writeFileSync(path, '{"seed": "bad seed!"}');
    const r = stress(['list', 'counter', '--config', path]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.ok(r.err.includes(`${path}: seed: "bad seed!" is not a seed`), r.err);
    assert.doesNotMatch(r.err, /STRESS_SEED/);
    // STRESS_SEED set: it wins over the file, and a bad one is blamed on it.
    const env = stress(['list', 'counter', '--config', path], { STRESS_SEED: 'also bad!' });
    assert.equal(env.code, 2, env.out + env.err);
    assert.match(env.err, /^stress: STRESS_SEED: "also bad!" is not a seed/m);
  });

  it('a duration without a unit is refused, suggesting seconds (--time-budget 5 was 5 ms)', () => {
    const r = stress(['run', 'counter', '--time-budget', '5']);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /--time-budget: "5" has no unit; write 5s for seconds or 5ms for milliseconds/);
    for (const flag of ['--timeout', '--duration']) {
      const other = stress(['list', 'counter', flag, '250']);
      assert.equal(other.code, 2, other.out + other.err);
      assert.match(other.err, new RegExp(`${flag}: "250" has no unit`));
    }
  });

  it('the documented forms still work: units on the command line, numbers of ms in the config file', () => {
    assert.equal(stress(['list', 'counter', '--time-budget', '5s', '--timeout', '500ms', '--seed', 'ok']).code, 0);
    const path = join(dir, 'ms.json');
    writeFileSync(path, '{"timeBudget": 5000, "timeout": "2s"}');
    const r = stress(['list', 'counter', '--config', path]);
    assert.equal(r.code, 0, r.out + r.err);
  });
});

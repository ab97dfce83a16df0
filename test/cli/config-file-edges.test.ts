/**
 * Config-file edges a hostile review found: two config files in one directory (one was used
 * silently), a file saved with a UTF-8 byte-order mark ("Unexpected token"), `--config DIR`
 * ("Directory import ... is not supported"), a misspelt suite name (no "did you mean", and from a
 * config file shown as a resolved path the user never wrote), and `--junit-flaky` with no junit
 * reporter (accepted silently, to no effect).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, stress } from '../helpers/cli.js';

const BOM = '\uFEFF';
/** One quick configuration: these tests are about the file, not the run. */
const ONE = ['--grep', '^counter/atomic/t2/c-all/j-none$', '--threads', '2', '--jitter', 'none', '--schedule', 'free', '--runs', '3', '--seed', 'edges'];

describe('cli: config file edges', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-edges-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A project directory of its own (a package.json ends the search for a config file there). */
  function project(name: string, files: Record<string, string>): string {
    const root = join(dir, name);
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'package.json'), '{}');
    for (const [file, text] of Object.entries(files)) writeFileSync(join(root, file), text);
    return root;
  }

  function stressIn(cwd: string, args: string[]): { code: number | null; out: string; err: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '', NO_COLOR: '1' } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  it('a config file under a name stress does not read (.ts, .cjs, .yaml) is an error naming it and the names it reads (exit 2), not passed over', () => {
    for (const name of ['stress.config.ts', 'stress.config.cjs', 'stress.config.yaml']) {
      const root = project(`unread-${name}`, { [name]: 'export default { threads: [3] };' });
      const r = stressIn(root, ['list', 'counter']);
      assert.equal(r.code, 2, r.out + r.err);
      assert.ok(r.err.includes(`${join(root, name)} is not read: stress reads stress.config.json, stress.config.mjs, stress.config.js`), r.err);
      // --config names the file to read instead; the unread one no longer matters.
      writeFileSync(join(root, 'settings.json'), '{"threads": [3]}');
      const named = stressIn(root, ['list', 'counter', '--config', 'settings.json']);
      assert.equal(named.code, 0, named.out + named.err);
      assert.match(named.out, /\/t3\//);
    }
  });

  it('two config files in one directory are an error naming both (exit 2); --config picks one', () => {
    for (const other of ['stress.config.mjs', 'stress.config.js']) {
      const root = project(`two-${other}`, { 'stress.config.json': '{"threads": [3]}', [other]: 'export default { threads: [5] };' });
      const r = stressIn(root, ['list', 'counter']);
      assert.equal(r.code, 2, r.out + r.err);
      assert.ok(r.err.includes(`${root} has 2 config files (stress.config.json, ${other}): it is ambiguous which one holds the settings; keep one (or name one with --config)`), r.err);
      assert.match(r.err, /\[ERR_CONFIG\]/);
      // From a subdirectory, too: the search stops at the first directory with any, and finds two.
      mkdirSync(join(root, 'sub'), { recursive: true });
      assert.equal(stressIn(join(root, 'sub'), ['list', 'counter']).code, 2);
      const named = stressIn(root, ['list', 'counter', '--config', 'stress.config.json']);
      assert.equal(named.code, 0, named.err);
      assert.match(named.out, /counter\/locked\/t3\//);
    }
  });

  it('a config name that is a symlink to the other one found there is one file, not two', () => {
    const root = project('symlinked', { 'stress.config.mjs': 'export default { threads: [5] };' });
    symlinkSync('stress.config.mjs', join(root, 'stress.config.js'));
    const r = stressIn(root, ['list', 'counter']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /counter\/locked\/t5\//);
  });

  it('a config file that starts with a UTF-8 byte-order mark is read (.json and .mjs)', () => {
    const json = project('bom-json', { 'stress.config.json': `${BOM}{"threads": [3]}` });
    const r = stressIn(json, ['list', 'counter']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /counter\/locked\/t3\//);
    const mjs = project('bom-mjs', { 'stress.config.mjs': `${BOM}export default { threads: [5] };` });
    const m = stressIn(mjs, ['list', 'counter']);
    assert.equal(m.code, 0, m.out + m.err);
    assert.match(m.out, /counter\/locked\/t5\//);
  });

  it('--config naming a directory is a config error saying so (exit 2), pointing at a config file inside it', () => {
    const empty = join(dir, 'a-directory');
    mkdirSync(empty, { recursive: true });
    const r = stress(['list', 'counter', '--config', empty]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.ok(r.err.includes(`${empty} is a directory, expected a config file (stress.config.json, stress.config.mjs, stress.config.js) [ERR_CONFIG]`), r.err);
    assert.doesNotMatch(r.err, /Directory import/);
    const holding = project('holding', { 'stress.config.json': '{}' });
    const h = stress(['list', 'counter', '--config', holding]);
    assert.equal(h.code, 2, h.out + h.err);
    assert.ok(h.err.includes(`${holding} is a directory, expected a config file (stress.config.json, stress.config.mjs, stress.config.js); it holds ${join(holding, 'stress.config.json')}`), h.err);
  });

  it('a misspelt suite name gets the closest built-in one, on the command line and in a config file (shown as written there)', () => {
    for (const [name, meant] of [['countr', 'counter'], ['conformance/lck', 'conformance/lock'], ['conformanc', 'conformance'], ['barrier', 'barrier-start']] as const) {
      const r = stress(['list', name]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.ok(r.err.includes(`unknown suite ${JSON.stringify(name)} (did you mean ${JSON.stringify(meant)}?): not a built-in suite (counter,`), r.err);
    }
    // A built-in written as a file name: the name it has.
    const asFile = stress(['list', 'deadlock.js']);
    assert.equal(asFile.code, 2, asFile.out + asFile.err);
    assert.ok(asFile.err.includes('unknown suite "deadlock.js" (did you mean "deadlock"? built-in suites are named without a path or extension)'), asFile.err);
    const root = project('misspelt', { 'stress.config.json': '{"suites": ["countr"]}' });
    const c = stressIn(root, ['list']);
    assert.equal(c.code, 2, c.out + c.err);
    const file = join(root, 'stress.config.json');
    assert.ok(c.err.includes(`${file}: suites: unknown suite "countr" (did you mean "counter"?): not a built-in suite (counter,`), c.err);
    assert.ok(c.err.includes(`and no file ${join(root, 'countr')} [ERR_SUITE_LOAD]`), c.err);
    // A path that is nowhere near a built-in name gets no suggestion.
    const far = stress(['list', './my-suites/queue-suite.js']);
    assert.equal(far.code, 2, far.out + far.err);
    assert.doesNotMatch(far.err, /did you mean/);
  });

  it('--junit-flaky with no junit reporter says it has no effect (from the flag, the option, or the config file)', () => {
    const flag = stress(['run', 'counter', ...ONE, '--junit-flaky', 'surefire']);
    assert.equal(flag.code, 0, flag.out + flag.err);
    assert.ok(flag.err.includes('stress: warning: --junit-flaky surefire has no effect: there is no junit reporter in this run (add --reporter junit:FILE)'), flag.err);
    const option = stress(['run', 'counter', ...ONE, '--reporter', 'console', '--reporter-option', 'junit.flaky=failure']);
    assert.equal(option.code, 0, option.out + option.err);
    assert.ok(option.err.includes('stress: warning: --reporter-option junit.flaky=failure has no effect'), option.err);
    const root = project('flaky-no-junit', { 'stress.config.json': '{"junitFlaky": "repeat"}' });
    const file = stressIn(root, ['run', 'counter', ...ONE]);
    assert.equal(file.code, 0, file.out + file.err);
    assert.ok(file.err.includes(`stress: warning: ${join(root, 'stress.config.json')}: junitFlaky repeat has no effect: there is no junit reporter`), file.err);
    // With a junit reporter: no such warning (repeat still gets its own).
    const xml = join(dir, 'flaky.xml');
    const withJunit = stress(['run', 'counter', ...ONE, '--junit-flaky', 'repeat', '--reporter', `junit:${xml}`]);
    assert.equal(withJunit.code, 0, withJunit.out + withJunit.err);
    assert.doesNotMatch(withJunit.err, /has no effect/);
    assert.match(withJunit.err, /warning: --junit-flaky repeat: a flaky invariant is written twice/);
  });
});

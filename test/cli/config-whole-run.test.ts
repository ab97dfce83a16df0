/**
 * The config file can hold a whole run (issue 18, item 3): every run flag has a key (shard,
 * reporters, junitFlaky and reporterOptions too), the file is found from a subdirectory (the
 * nearest one above, as eslint and mocha look), report paths in it are relative to it, an editor
 * schema (stress.config.schema.json) lists exactly the keys `stress` accepts, and `defineConfig`
 * types a .mjs config.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_KEYS, defineConfig } from '../../harness/core/settings/config-file.js';
import { CLI } from '../helpers/cli.js';

const SCHEMA = fileURLToPath(new URL('../../../stress.config.schema.json', import.meta.url));

describe('cli: a config file that holds a whole run', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function stressIn(cwd: string, args: string[]): { code: number | null; out: string; err: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  it('the editor schema lists exactly the keys stress accepts, and closes the object', () => {
    const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as { properties: Record<string, unknown>; additionalProperties: boolean };
    assert.deepEqual(Object.keys(schema.properties).sort(), ['$schema', ...CONFIG_KEYS()].sort());
    assert.equal(schema.additionalProperties, false);
  });

  it('is found from a subdirectory; reporters, junitFlaky, reporterOptions and shard come from it, paths relative to the file', () => {
    const project = join(dir, 'project');
    const sub = join(project, 'src', 'deep');
    mkdirSync(sub, { recursive: true });
    // The project's root: the search goes up to here.
    writeFileSync(join(project, 'package.json'), '{"name": "project"}');
    writeFileSync(
      join(project, 'stress.config.json'),
      JSON.stringify({
        $schema: './node_modules/shakedown/stress.config.schema.json',
        suites: ['counter'],
        threads: [2],
        jitter: ['none'],
        schedule: ['free'],
        runs: 10,
        // The correct variants only: a canary may survive 5 trials, and this test is not about verdicts.
        grep: '/(locked|atomic)/',
        seed: 'from-config',
        shard: '1/2',
        reporters: ['jsonl:out/results.jsonl', 'junit:out/stress.xml'],
        junitFlaky: 'repeat',
        reporterOptions: { note: 'x' },
      }),
    );
    const r = stressIn(sub, ['run']);
    assert.equal(r.code, 0, r.out + r.err);
    // The flaky mode came from the file: its warning is said.
    assert.match(r.err, /warning: --junit-flaky repeat/);
    const results = join(project, 'out', 'results.jsonl');
    assert.ok(existsSync(results), 'the report is relative to the config file, not to the working directory');
    assert.ok(existsSync(join(project, 'out', 'stress.xml')));
    assert.equal(existsSync(join(sub, 'out')), false);
    const header = JSON.parse(readFileSync(results, 'utf8').split('\n')[0]!) as { seed: string; settings: { runs: number; shard: { index: number; total: number } } };
    assert.equal(header.seed, 'from-config');
    assert.equal(header.settings.runs, 10);
    assert.deepEqual(header.settings.shard, { index: 1, total: 2 });
    // Flags win over the file.
    const flagged = stressIn(sub, ['run', '--runs', '5', '--shard', '2/2', '--reporter', 'jsonl:flag.jsonl']);
    assert.equal(flagged.code, 0, flagged.err);
    const h2 = JSON.parse(readFileSync(join(sub, 'flag.jsonl'), 'utf8').split('\n')[0]!) as { settings: { runs: number; shard: { index: number } } };
    assert.equal(h2.settings.runs, 5);
    assert.equal(h2.settings.shard.index, 2);
    // Not past the project's root: a package.json in between ends the search.
    writeFileSync(join(project, 'src', 'package.json'), '{}');
    const inner = stressIn(sub, ['run', 'counter', '--grep', '/(locked|atomic)/', '--threads', '2', '--jitter', 'none', '--schedule', 'free', '--runs', '5', '--reporter', 'jsonl:inner.jsonl']);
    assert.equal(inner.code, 0, inner.err);
    const h3 = JSON.parse(readFileSync(join(sub, 'inner.jsonl'), 'utf8').split('\n')[0]!) as { seed: string };
    assert.notEqual(h3.seed, 'from-config', 'the file above src/package.json was not used');
  });

  it('outside any project (no package.json above), only the working directory is searched; a config that is not a plain object is refused', () => {
    const loose = join(dir, 'loose');
    mkdirSync(join(loose, 'a', 'b'), { recursive: true });
    writeFileSync(join(loose, 'stress.config.json'), JSON.stringify({ seed: 'planted-above' }));
    const r = stressIn(join(loose, 'a', 'b'), ['run', 'counter', '--grep', '/(locked|atomic)/', '--threads', '2', '--jitter', 'none', '--schedule', 'free', '--runs', '5', '--reporter', 'jsonl:r.jsonl']);
    assert.equal(r.code, 0, r.err);
    const h = JSON.parse(readFileSync(join(loose, 'a', 'b', 'r.jsonl'), 'utf8').split('\n')[0]!) as { seed: string };
    assert.notEqual(h.seed, 'planted-above');
    writeFileSync(join(loose, 'stress.config.mjs'), 'export default Promise.resolve({ runs: "bogus" });');
    rmSync(join(loose, 'stress.config.json'));
    const p = stressIn(loose, ['list']);
    assert.equal(p.code, 2, p.out + p.err);
    assert.match(p.err, /expected a plain object of settings .* got a Promise/);
  });

  it('checks the new keys like the others (exit 2, did you mean)', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'stress.config.json'), JSON.stringify({ reporter: ['console'] }));
    const r = stressIn(bad, ['list']);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown key "reporter" \(did you mean "reporters"\?\)/);
    writeFileSync(join(bad, 'stress.config.json'), JSON.stringify({ junitFlaky: 'sometimes' }));
    const m = stressIn(bad, ['list']);
    assert.equal(m.code, 2);
    assert.match(m.err, /stress\.config\.json: junitFlaky must be failure, surefire or repeat, got "sometimes" \[ERR_CONFIG\]/);
    writeFileSync(join(bad, 'stress.config.json'), JSON.stringify({ reporterOptions: { 'junit.flaky': 5 } }));
    const o = stressIn(bad, ['list']);
    assert.equal(o.code, 2);
    assert.match(o.err, /reporterOptions\.junit\.flaky must be a string, got 5/);
  });

  it('a bad reporter in the config file is named by its place in the file, not as a flag the user never typed', () => {
    const bad = join(dir, 'bad-reporter');
    mkdirSync(bad, { recursive: true });
    const cases: Array<[string[], RegExp]> = [
      [['console', 'tap:x'], /stress\.config\.json "reporters"\[1\]: "tap:x" is not a reporter; expected one of console/],
      [['junit'], /stress\.config\.json "reporters"\[0\]: junit writes a file: give it one, e.g. "junit:out\/stress\.xml"/],
      [['junit:-'], /stress\.config\.json "reporters"\[0\]: junit:-: junit writes a file; "-" \(standard output\) is for json, jsonl, markdown/],
      [['./missing-reporter.js'], /stress\.config\.json "reporters"\[0\] \/.*missing-reporter\.js: no such file/],
    ];
    for (const [reporters, expected] of cases) {
      writeFileSync(join(bad, 'stress.config.json'), JSON.stringify({ suites: ['counter'], runs: 5, reporters }));
      const r = stressIn(bad, ['run']);
      assert.notEqual(r.code, 0, JSON.stringify(reporters));
      assert.match(r.err, expected);
      assert.doesNotMatch(r.err, /--reporter/, 'the config file did not use a flag');
    }
    // A flag still wins over the file, and is still named as the flag.
    const f = stressIn(bad, ['run', '--reporter', 'tap']);
    assert.equal(f.code, 2);
    assert.match(f.err, /--reporter: "tap" is not a reporter/);
  });

  it('defineConfig returns the config as given (a typed .mjs config)', () => {
    const config = { runs: 3, reporters: ['console'] };
    assert.equal(defineConfig(config), config);
  });
});

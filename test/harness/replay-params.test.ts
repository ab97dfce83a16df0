/**
 * A replay token's parameters reach the suite's own code: a suite may import a module named in
 * its parameters (suite-api.ts advises it for implementations). So on replay every string
 * parameter with a URL scheme, at any depth, is checked like the suite module, whatever the
 * token's `pu` field lists; plain strings are left alone.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI = fileURLToPath(new URL('../../harness/cli/main.js', import.meta.url));
const PARAM_LOAD = fileURLToPath(new URL('./fixtures/param-load.js', import.meta.url));
/** The repository root (tests run from it): the fixtures lie under it. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function stressIn(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 90_000, env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function token(fields: Record<string, unknown>): string {
  const base = { v: 1, u: `cwd:${relative(ROOT, PARAM_LOAD)}`, s: 'param-load', va: 'default', t: 1, c: 'all', j: 'none', seed: 's', trial: 0, to: 1000 };
  return Buffer.from(JSON.stringify({ ...base, ...fields })).toString('base64url');
}

describe('stress replay: module URLs in the parameters', function () {
  this.timeout(120_000);
  let dir: string;
  let marker: string;
  let evil: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-replay-params-'));
    marker = join(dir, 'marker');
    evil = `data:text/javascript,${encodeURIComponent(`import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'ran'); export default 1;`)}`;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a data: URL parameter that the token does not list in pu, without running it (exit 2, names the parameter)', () => {
    const r = stressIn(ROOT, 'replay', token({ p: { mod: evil } }), '--runs', '2');
    assert.equal(existsSync(marker), false, 'the code in the token ran');
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /replay token refused: its parameter params\.mod is "data:text\/javascript.*a data: URL.*\[ERR_REPLAY_TOKEN\]/);
  });

  it('refuses such a parameter at any depth, listed in pu or not, and with --suite', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ p: { mod: evil }, pu: ['mod'] }, /params\.mod is "data:/],
      [{ p: { mod: 'node:child_process' } }, /params\.mod is "node:child_process", a node: URL/],
      [{ p: { mod: 'http://example.invalid/x.js' } }, /params\.mod is "http:\/\/example\.invalid\/x\.js", a http: URL/],
      [{ p: { mod: 'HTTPS://example.invalid/x.js' } }, /params\.mod is "HTTPS:/],
      [{ p: { mod: 'cwd:../../../etc/passwd' } }, /params\.mod is .*(does not exist here|outside the current directory)/],
      [{ p: { mod: pathToFileURL(join(dir, 'x.mjs')).href } }, /params\.mod is .*/],
      [{ p: { mod: 'x', deep: { list: [1, { m: evil }] } } }, /params\.deep\.list\[1\]\.m is "data:/],
    ];
    writeFileSync(join(dir, 'x.mjs'), `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'ran');`);
    for (const [fields, message] of cases) {
      for (const flags of [[], ['--suite', PARAM_LOAD]]) {
        const r = stressIn(ROOT, 'replay', token(fields), '--runs', '2', ...flags);
        assert.equal(existsSync(marker), false, `${JSON.stringify(fields)}: the code ran`);
        assert.equal(r.code, 2, `${JSON.stringify(fields)} ${flags.join(' ')}: ${r.out}${r.err}`);
        assert.match(r.err, /replay token refused: its parameter /);
        assert.match(r.err, message, JSON.stringify(fields));
        assert.match(r.err, /\[ERR_REPLAY_TOKEN\]/);
      }
    }
  });

  it('replays the token a failing run printed (a file under the current directory), and plain string parameters', () => {
    const run = stressIn(ROOT, 'run', PARAM_LOAD, '--runs', '1', '--jitter', 'none', '--seed', 'pl');
    assert.equal(run.code, 1, run.out + run.err);
    const t = /replay: npx stress replay (\S+)/.exec(run.out)?.[1];
    assert.ok(t, run.out);
    const r = stressIn(ROOT, 'replay', t, '--runs', '2');
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /reproduced in 2 of 2 runs/);
    const mod = `cwd:${relative(ROOT, fileURLToPath(new URL('./fixtures/loaded-by-param.js', import.meta.url)))}`;
    const plain = stressIn(ROOT, 'replay', token({ p: { mod, note: 'no scheme here', list: ['a b', 'c/d', '12:30'] }, pu: ['mod'] }), '--runs', '2');
    assert.equal(plain.code, 1, plain.out + plain.err);
    assert.match(plain.out, /reproduced in 2 of 2 runs/);
  });

  it('replays a built-in conformance token whose implementation is a pkg: URL, from any directory', () => {
    const t = Buffer.from(
      JSON.stringify({ v: 1, u: 'pkg:suites/conformance/lock.js', s: 'conformance/lock', va: 'shakedown-lock', p: { impl: 'pkg:suites/impls/shakedown-lock.js', iterations: 5, depth: 1 }, pu: ['impl'], t: 2, c: 'all', j: 'none', seed: 's', trial: 0, to: 1000 }),
    ).toString('base64url');
    const r = stressIn(dir, 'replay', t, '--runs', '2');
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /reproduced in 0 of 2 runs/);
  });
});

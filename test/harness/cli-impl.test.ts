/** `stress run --impl kind=path` as a user runs it: the implementation is named in the report; a broken module exits 2 before any trial. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = fileURLToPath(new URL('../../harness/cli/main.js', import.meta.url));
const OUR_LOCK = fileURLToPath(new URL('../../suites/impls/shakedown-lock.js', import.meta.url));
const NO_RELEASE = fileURLToPath(new URL('./fixtures/impls/no-release.js', import.meta.url));

function stress(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 90_000, env: { ...process.env, STRESS_SEED: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('harness/cli --impl', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-impl-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the lock suite against the given module, names it in keys and JSON, and exits 0', () => {
    const json = join(dir, 'out.json');
    const r = stress(dir, 'run', '--impl', `lock=${OUR_LOCK}`, '--threads', '2', '--jitter', 'none', '--runs', '40', '--seed', 'impl', '--json', json);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /PASS\s+conformance\/lock\/shakedown-lock\/t2\/c-all\/j-none: 40 trials/);
    assert.doesNotMatch(r.out, /check-then-set/, 'the gallery canaries are not run against a user module');
    const summary = JSON.parse(readFileSync(json, 'utf8')) as { configs: Array<{ config: { impl?: string; params: { impl?: string } } }> };
    assert.equal(summary.configs[0]!.config.impl, 'shakedown-lock');
    assert.match(summary.configs[0]!.config.params.impl!, /shakedown-lock\.js$/);
  });

  it('exits 2 naming the missing member before any trial runs', () => {
    const r = stress(dir, 'run', '--impl', `lock=${NO_RELEASE}`, '--runs', '5');
    assert.equal(r.code, 2, r.out + r.err);
    assert.equal(r.out, '');
    assert.match(r.err, /lock "no-release": attach\(handle\) returned an object without the required method release\(\).*\[ERR_IMPL_CONTRACT\]/);
  });

  it('reads impl from the config file, relative to the file', () => {
    writeFileSync(join(dir, 'stress.config.json'), JSON.stringify({ impl: { lock: NO_RELEASE }, runs: 5 }));
    const r = stress(dir, 'run');
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /ERR_IMPL_CONTRACT/);
  });

  it('exits 2 when --impl names a kind with no selected suite', () => {
    const r = stress(dir, 'run', 'counter', '--impl', `lock=${OUR_LOCK}`, '--runs', '5');
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /no lock conformance suite is selected/);
  });
});

/** The `stress` binary as a user runs it: exit codes and messages. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../harness/cli/main.js', import.meta.url));

function stress(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, STRESS_SEED: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('harness/cli', function () {
  this.timeout(120_000);

  it('runs a correct suite variant and exits 0', () => {
    const r = stress('run', 'counter', '--grep', 'atomic', '--threads', '2', '--jitter', 'none', '--runs', '200', '--seed', 's1');
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /PASS\s+counter\/atomic\/t2\/c-all\/j-none: 200 trials/);
    assert.match(r.out, /seed s1/);
  });

  it('exits 2 with a one-line message on bad flags, writing nothing to stdout', () => {
    for (const args of [
      ['--threads', '0'],
      ['--threads', 'abc'],
      ['--threads', '100000'],
      ['--time-budget', '5parsecs'],
      ['--jitter', 'lots'],
      ['--bogus'],
    ]) {
      const r = stress('run', 'counter', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.match(r.err, /^stress: /);
      assert.equal(r.out, '');
    }
  });

  it('exits 2 on an unknown command', () => {
    const r = stress('frobnicate');
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown command "frobnicate"/);
  });

  it('lists suites, variants and canaries', () => {
    const r = stress('list');
    assert.equal(r.code, 0);
    for (const s of ['counter', 'producer-consumer', 'barrier-start', 'deadlock']) assert.match(r.out, new RegExp(`^${s}: `, 'm'));
    assert.match(r.out, /unlocked \[canary\]/);
  });

  it('replays a token and reports how often it reproduces', () => {
    const run = stress('run', 'counter', '--grep', 'unlocked', '--threads', '2', '--jitter', 'none', '--runs', '300', '--seed', 'r1');
    assert.equal(run.code, 0, run.out + run.err);
    const token = /replay: npx stress replay (\S+)/.exec(run.out)?.[1];
    assert.ok(token, 'a replay command was printed');
    const r = stress('replay', token, '--runs', '300');
    assert.match(r.out, /reproduced in \d+ of 300 runs/);
    assert.equal(r.code, 1, 'a reproduced failure exits 1');
  });

  it('has --help on every command', () => {
    for (const cmd of ['run', 'list', 'replay']) {
      const r = stress(cmd, '--help');
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`stress ${cmd}`));
    }
  });
});

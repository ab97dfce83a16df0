/** The `stress` binary as a user runs it: exit codes and messages. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = fileURLToPath(new URL('../../harness/cli/main.js', import.meta.url));

function stress(...args: string[]): { code: number | null; out: string; err: string } {
  return stressIn(process.cwd(), ...args);
}

function stressIn(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 90_000, env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function hasTaskset(): boolean {
  return spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;
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
    for (const s of ['counter', 'producer-consumer', 'barrier-start', 'deadlock', 'executor']) assert.match(r.out, new RegExp(`^${s}: `, 'm'));
    assert.match(r.out, /unlocked \[canary\]/);
  });

  it('replays a token and reports how often it reproduces', () => {
    // Detection is bursty under load: a large cap, stopping at the first failure.
    const run = stress('run', 'counter', '--grep', 'unlocked', '--threads', '2', '--jitter', 'none', '--runs', '20000', '--max-failures', '1', '--seed', 'r1');
    assert.equal(run.code, 0, run.out + run.err);
    const token = /replay: npx stress replay (\S+)/.exec(run.out)?.[1];
    assert.ok(token, 'a replay command was printed');
    const r = stress('replay', token, '--runs', '5000');
    assert.match(r.out, /reproduced in [1-9][\d,]* of 5,000 runs/);
    assert.equal(r.code, 1, 'a reproduced failure exits 1');
    // From another directory (as on another machine's checkout): the built-in suite is found by package path.
    const elsewhere = mkdtempSync(join(tmpdir(), 'stress-replay-'));
    try {
      const moved = stressIn(elsewhere, 'replay', token, '--until-reproduced');
      assert.match(moved.out, /until reproduced/);
      // Counts of 1,000 and more print with separators (how many runs it takes varies with the machine).
      assert.match(moved.out, /reproduced in [1-9][\d,]* of [1-9][\d,]* runs/);
      assert.equal(moved.code, 1, moved.out + moved.err);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('reads stress.config.json from the working directory; flags win; unknown keys are a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stress-config-'));
    try {
      writeFileSync(join(dir, 'stress.config.json'), JSON.stringify({ suites: ['counter'], threads: [2], jitter: ['none'], runs: 60, grep: 'atomic', seed: 'cfg' }));
      const r = stressIn(dir, 'run');
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /counter\/atomic\/t2\/c-all\/j-none: 60 trials/);
      assert.match(r.out, /seed cfg/);
      const flagged = stressIn(dir, 'run', '--runs', '30');
      assert.match(flagged.out, /counter\/atomic\/t2\/c-all\/j-none: 30 trials/);
      writeFileSync(join(dir, 'stress.config.json'), JSON.stringify({ thread: [2] }));
      const bad = stressIn(dir, 'run');
      assert.equal(bad.code, 2);
      assert.match(bad.err, /unknown key "thread"/);
      writeFileSync(join(dir, 'stress.config.json'), '{ "runs": ');
      const broken = stressIn(dir, 'run');
      assert.equal(broken.code, 2);
      assert.match(broken.err, /cannot read config/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('confines a configuration to one core with --cores 1 (taskset)', function () {
    if (!hasTaskset()) {
      console.log('      SKIPPED: taskset is not available on this machine');
      this.skip();
    }
    const r = stress('run', 'counter', '--grep', 'atomic', '--threads', '2', '--cores', '1', '--jitter', 'none', '--runs', '100', '--seed', 'c1');
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /PASS\s+counter\/atomic\/t2\/c-1\/j-none: 100 trials/);
  });

  it('on SIGINT stops, reports what completed as interrupted and exits 130', async () => {
    const child = spawn(process.execPath, [CLI, 'run', 'counter', '--grep', 'atomic', '--threads', '2', '--jitter', 'none', '--runs', '100000000', '--seed', 'int'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    try {
      // Interrupt only once trials have been counted (the CI status line, every 5 s), however slow
      // start-up is on a loaded machine: a fixed sleep could land before the first batch.
      const deadline = performance.now() + 60_000;
      while (!/^\d+s: [1-9][\d,]* trials/m.test(out)) {
        assert.ok(performance.now() < deadline, `no status line with trials within 60 s: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const sentAt = performance.now();
      child.kill('SIGINT');
      const code = await exited;
      assert.equal(code, 130, out);
      // Not a speed claim: an interrupt that was ignored would run 10^8 trials or hit the 90 s kill.
      assert.ok(performance.now() - sentAt < 30_000, 'stopped promptly');
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
    assert.match(out, /INTERRUPTED/);
    assert.match(out, /counter\/atomic\/t2\/c-all\/j-none: [\d,]+ trials/);
  });

  it('has --help on every command', () => {
    for (const cmd of ['run', 'list', 'replay']) {
      const r = stress(cmd, '--help');
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`stress ${cmd}`));
    }
  });
});

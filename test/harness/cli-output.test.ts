/**
 * `stress` output as a user meets it: a closed pipe (`| head`), unknown-flag
 * hints, exit codes in --help, config-file paths, a --fail-fast stop and an
 * errored canary, end to end.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLI, stress } from '../helpers/cli.js';
import type { RunSummary } from '../../harness/core/grade/results.js';

const DETERMINISTIC = fileURLToPath(new URL('./fixtures/deterministic.js', import.meta.url));
const CANARY_THROWS = fileURLToPath(new URL('./fixtures/canary-throws.js', import.meta.url));
const INVARIANT_LOOPS = fileURLToPath(new URL('./fixtures/invariant-loops.js', import.meta.url));

function stressIn(cwd: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('harness/cli output', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-output-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('with stdout closed early (stress run | head): no EPIPE crash, the run finishes, file reports are written, the exit code is the run\'s', async () => {
    const json = join(dir, 'epipe.json');
    const args = ['run', DETERMINISTIC, '--grep', 'clean', '--threads', '1,2', '--jitter', 'none,spin-1us', '--schedule', 'free', '--runs', '40', '--seed', 'pipe', '--reporter', 'console', '--reporter', `json:${json}`];
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' } });
    // The reader goes away before the first line: every write to stdout meets a closed pipe.
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    clearTimeout(killer);
    assert.equal(err, '', 'nothing on stderr: no EPIPE stack trace');
    assert.ok(existsSync(json), 'the json report was written');
    const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
    assert.equal(summary.configs.length, 4, 'every configuration ran');
    assert.equal(code, summary.exitCode);
    assert.equal(code, 0);
  });

  it('points an unknown flag to the help of the command it was given to, with the closest flag of that command', () => {
    for (const cmd of ['run', 'list', 'report', 'merge']) {
      const r = stress([cmd, '--bogus']);
      assert.equal(r.code, 2, `${cmd}: ${r.err}`);
      assert.match(r.err, new RegExp(`^stress: unknown flag --bogus \\(see stress ${cmd} --help\\) \\[ERR_USAGE\\]$`, 'm'), cmd);
    }
    const misspelt = stress(['run', '--treads', '2']);
    assert.equal(misspelt.code, 2);
    assert.match(misspelt.err, /unknown flag --treads \(did you mean "--threads"\?\) \(see stress run --help\)/);
    assert.match(stress(['merge', '--reportr=junit:x.xml']).err, /unknown flag --reportr \(did you mean "--reporter"\?\)/);
    const command = stress(['rnu']);
    assert.equal(command.code, 2);
    assert.match(command.err, /unknown command "rnu" \(did you mean "run"\?\)/);
  });

  it('lists the exit codes in stress run --help', () => {
    const r = stress(['run', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^Exit codes:\n {2}0 {4}every invariant held[^\n]*\n {2}1 {4}an invariant failed[^\n]*\n {2}2 {4}usage or config error[\s\S]*\n {2}3 {4}harness error[\s\S]*\n {2}130 {2}interrupted/m);
  });

  it('resolves suite paths in a config file against the file\'s directory, as impl paths are', () => {
    const conf = join(dir, 'conf');
    mkdirSync(conf, { recursive: true });
    writeFileSync(join(conf, 'my-suite.js'), `export { default } from ${JSON.stringify(pathToFileURL(DETERMINISTIC).href)};\n`);
    writeFileSync(join(conf, 'stress.config.json'), JSON.stringify({ suites: ['./my-suite.js', 'counter'], threads: [2], jitter: ['none'], schedule: ['free'], grep: '(clean|atomic)' }));
    // Run from the parent directory: ./my-suite.js is not there, only next to the config file.
    const r = stressIn(dir, ['list', '--config', 'conf/stress.config.json']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^ {4}deterministic\/clean\/t2\/c-all\/j-none$/m);
    assert.match(r.out, /^ {4}counter\/atomic\/t2\/c-all\/j-none$/m, 'built-in names stay names');
    assert.match(r.out, /^2 configurations$/m);
  });

  it('says the run was stopped by --fail-fast, after which configuration, and how many did not run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fail-fast-'));
    try {
      const jsonl = join(dir, 'ff.jsonl');
      const r = stress(['run', DETERMINISTIC, '--grep', 'sevens', '--threads', '1,2', '--jitter', 'none,spin-1us', '--schedule', 'free', '--runs', '30', '--seed', 'ff', '--fail-fast', '--reporter', 'console', '--reporter', `jsonl:${jsonl}`]);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.out, /^stopped by --fail-fast after deterministic\/sevens\/t1\/c-all\/j-none: 3 configurations not run$/m);
      assert.match(r.out, /^1 configuration, 30 trials/m);
      // The results file keeps it: a report rendered from it later says so too.
      const later = stress(['report', jsonl]);
      assert.match(later.out, /^stopped by --fail-fast after deterministic\/sevens\/t1\/c-all\/j-none: 3 configurations not run$/m, later.out + later.err);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('plans the default run (no arguments) as the five core suites x threads 2,4 x (jitter none,spin-1us free-running, and ctl): 105 configurations', () => {
    const r = stress(['list']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^105 configurations$/m);
    const keys = r.out.split('\n').filter((l) => /^ {4}\S+\/t\d+\/c-all\/j-/.test(l)).map((l) => l.trim());
    assert.equal(keys.length, 105);
    const free = keys.filter((k) => !k.endsWith('/s-ctl'));
    const controlled = keys.filter((k) => k.endsWith('/s-ctl'));
    assert.equal(free.length, 70);
    assert.deepEqual([...new Set(keys.map((k) => k.split('/')[0]))], ['counter', 'producer-consumer', 'barrier-start', 'deadlock', 'executor']);
    assert.deepEqual([...new Set(free.map((k) => k.split('/')[4]))].sort(), ['j-none', 'j-spin-1us']);
    // One controlled configuration per suite, variant and threads: those of the free ones at jitter none.
    assert.deepEqual(controlled, free.filter((k) => k.endsWith('/j-none')).map((k) => `${k}/s-ctl`));
    // Every canary of the five suites is in the default plan, in both modes (reacquire-lock at 2 threads only).
    for (const canary of ['counter/unlocked/', 'producer-consumer/stop-event-race/', 'barrier-start/early-release/', 'deadlock/opposite-order/', 'deadlock/reacquire-lock/', 'executor/check-then-cancel/', 'executor/shutdown-skips-queued/', 'executor/ended-before-result/']) {
      assert.ok(free.some((k) => k.startsWith(canary)), canary);
      assert.ok(controlled.some((k) => k.startsWith(canary)), `${canary} controlled`);
    }
  });

  it('ends a run whose suite code loops forever on the main thread (deaf to signals) via the main-thread watchdog, saying why', () => {
    const r = spawnSync(process.execPath, [CLI, 'run', INVARIANT_LOOPS, '--jitter', 'none', '--runs', '50', '--seed', 'loop'], {
      encoding: 'utf8',
      // SIGKILL: were the watchdog missing, a SIGTERM would never be handled (the main thread is stuck).
      timeout: 60_000,
      killSignal: 'SIGKILL',
      env: { ...process.env, STRESS_SEED: '', STRESS_MAIN_STALL_MS: '3000' },
    });
    assert.equal(r.signal, 'SIGKILL');
    assert.match(r.stderr, /stress: the main thread has not returned for \d+ s: suite code that runs on it \(setup, an invariant, outcome, prepare\) loops or blocks/);
  });

  it('reports a canary that errored in every trial as an error that could not be judged, exit 3', () => {
    const r = stress(['run', CANARY_THROWS, '--jitter', 'none', '--runs', '20', '--seed', 'err']);
    assert.equal(r.code, 3, r.out + r.err);
    assert.match(r.out, /^ {2}ERROR {4}canary-throws\/planted\/t2\/c-all\/j-none \[canary\]: 20 trials/m);
    assert.match(r.out, /^ {2}ERROR {5}canary-throws\/planted: every trial errored \(TypeError: planted failure\), the canary could not be judged$/m);
    assert.doesNotMatch(r.out, /not sensitive enough/);
  });
});

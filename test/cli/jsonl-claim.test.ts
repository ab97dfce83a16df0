/**
 * One writer per JSON lines file: a second run given the same file is refused before it starts
 * (exit 2, naming the file and what to do), and the first run's file stays whole.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, stress } from '../helpers/cli.js';

const DETERMINISTIC = fileURLToPath(new URL('../harness/fixtures/deterministic.js', import.meta.url));
const RUN = ['run', DETERMINISTIC, '--grep', 'clean', '--threads', '1', '--jitter', 'none', '--schedule', 'free', '--seed', 'claim'];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function exited(child: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the first run did not end in time'));
    }, ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('cli: a JSON lines file has one writer', function () {
  this.timeout(180_000);

  it('refuses a second run writing the same jsonl while the first runs: exit 2, a clear message, the file parses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'claim-'));
    const jsonl = join(dir, 'o.jsonl');
    // The first run has a long budget; it is interrupted once the second has been refused.
    const first = spawn(process.execPath, [CLI, ...RUN, '--time-budget', '120s', '--reporter', `jsonl:${jsonl}`], { stdio: 'ignore', env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' } });
    try {
      await waitFor('the first run to write its header', () => existsSync(jsonl) && readFileSync(jsonl, 'utf8').includes('\n'), 60_000);
      const second = stress([...RUN, '--runs', '20', '--reporter', `jsonl:${jsonl}`, '--reporter', 'console'], {}, 60_000);
      assert.equal(second.code, 2, `the second writer must be refused: ${second.err}`);
      assert.match(second.err, new RegExp(`--reporter jsonl:.*o\\.jsonl: ".*o\\.jsonl" is being written by another stress run \\(pid ${first.pid} on ${hostname()}, since [^)]+\\), which holds ".*o\\.jsonl\\.lock"\\. .*give each run its own file .*If no run is writing it, delete ".*o\\.jsonl\\.lock"; nothing was run \\[ERR_REPORTER\\]`));
      assert.equal(second.out, '', 'the second run did not start');
    } finally {
      first.kill('SIGINT');
    }
    assert.equal(await exited(first, 60_000), 130, 'the first run, interrupted, reports what it finished');
    assert.ok(!existsSync(`${jsonl}.lock`), 'the claim is released when the run ends');
    const report = stress(['report', jsonl, '--reporter', 'console'], {}, 60_000);
    assert.equal(report.code, 130, `the file is whole and says interrupted: ${report.err}`);
    assert.doesNotMatch(report.err, /refus|not a results file|cannot parse|dropped/i);
  });

  it('takes over a lock left by a process that is gone, overwrites an earlier run\'s file, and releases the lock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'claim-'));
    const jsonl = join(dir, 'o.jsonl');
    writeFileSync(jsonl, 'an earlier run\'s results\n');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8', timeout: 30_000 });
    writeFileSync(`${jsonl}.lock`, `${JSON.stringify({ pid: Number(gone.stdout), hostname: hostname(), since: '2024-01-01T00:00:00.000Z' })}\n`);
    const r = stress([...RUN, '--runs', '10', '--reporter', `jsonl:${jsonl}`], {}, 60_000);
    assert.equal(r.code, 0, r.err);
    const lines = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    assert.deepEqual(lines.map((l) => l.kind), ['shakedown-run', 'config', 'end'], 'rewritten from the start (the documented behaviour)');
    assert.ok(!existsSync(`${jsonl}.lock`));
  });

  it('refuses the same jsonl given twice in one run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'claim-'));
    const jsonl = join(dir, 'o.jsonl');
    const r = stress([...RUN, '--runs', '10', '--reporter', `jsonl:${jsonl}`, '--reporter', `jsonl:${jsonl}`], {}, 60_000);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /".*o\.jsonl" is given twice in this run; give each reporter its own file/);
    assert.ok(!existsSync(`${jsonl}.lock`), 'released at exit');
  });
});

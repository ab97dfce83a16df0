/**
 * Signals to a real `stress` child process: SIGINT and SIGTERM stop the run,
 * cancel a stuck trial promptly, write every report marked interrupted and
 * exit 130; a second SIGINT exits 130 at once. Every wait is bounded.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../../harness/core/grade/results.js';
import { CLI } from '../helpers/cli.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));

interface Child {
  child: ChildProcessWithoutNullStreams;
  out: () => string;
  err: () => string;
  /** Resolves with the exit code, or rejects after `ms`. */
  exit: (ms: number) => Promise<number | null>;
}

/** Every child a test started: afterEach kills what is left, so a failed test never leaves a run going. */
const started: ChildProcessWithoutNullStreams[] = [];

function start(args: string[]): Child {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' } });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    out: () => out,
    err: () => err,
    exit: async (ms) => {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`no exit within ${ms} ms; stderr: ${err}`));
        }, ms);
      });
      try {
        return await Promise.race([exited, limit]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Polls until `cond` holds, failing after `ms`. */
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('harness/signals', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'signals-'));
  });
  afterEach(() => {
    for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`on ${signal} cancels a stuck trial promptly and writes json, jsonl and junit reports marked interrupted, exit 130`, async () => {
      // Two configurations: a correct one that completes, then one stuck in its first trial with a
      // 60 s hang timeout, so only the interrupt can end it quickly.
      const json = join(dir, 'r.json');
      const jsonl = join(dir, 'r.jsonl');
      const junit = join(dir, 'r.xml');
      const c = start([
        'run', fixture('deterministic'), fixture('spins-forever'), '--grep', '^(deterministic/clean|spins-forever)/', '--threads', '2', '--jitter', 'none',
        '--runs', '50', '--timeout', '60s', '--seed', 'sig',
        '--reporter', 'console', '--reporter', `json:${json}`, '--reporter', `jsonl:${jsonl}`, '--reporter', `junit:${junit}`,
      ]);
      await until(() => c.out().includes('deterministic/clean/t2/c-all/j-none: 50 trials'), 60_000, 'the first configuration');
      // Give the stuck trial time to be in flight.
      await new Promise((r) => setTimeout(r, 1000));
      const sentAt = performance.now();
      c.child.kill(signal);
      const code = await c.exit(45_000);
      const took = performance.now() - sentAt;
      assert.equal(code, 130, c.out() + c.err());
      // Not a speed claim: without cancelling the stuck trial this takes its 60 s hang timeout, so any
      // bound well below that tells the two apart, however loaded the machine (usually ~1 s).
      assert.ok(took < 45_000, `exited ${Math.round(took)} ms after ${signal}`);
      assert.match(c.err(), new RegExp(`${signal}: stopping the trials in flight`));
      assert.match(c.out(), /INTERRUPTED/);

      const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
      assert.equal(summary.interrupted, true);
      assert.equal(summary.exitCode, 130);
      const clean = summary.configs.find((r) => r.config.key === 'deterministic/clean/t2/c-all/j-none');
      assert.equal(clean?.trials, 50);
      assert.equal(clean.status, 'pass');
      const lines = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; interrupted?: boolean; exitCode?: number });
      assert.equal(lines[0]!.kind, 'shakedown-run');
      assert.equal(lines.filter((l) => l.kind === 'config').length, summary.configs.length);
      const end = lines.at(-1)!;
      assert.equal(end.kind, 'end');
      assert.equal(end.interrupted, true);
      assert.equal(end.exitCode, 130);
      const xml = readFileSync(junit, 'utf8');
      assert.match(xml, /<testsuites name="shakedown seed sig \(interrupted\)"/);
      assert.match(xml, /<testsuite name="deterministic\/clean/);
    });
  }

  it('takes two SIGINTs delivered together (to the process and to its group, as `timeout -s INT` does) as one: the reports are still written', async () => {
    const json = join(dir, 'twice.json');
    const c = start(['run', fixture('deterministic'), fixture('spins-forever'), '--grep', '^(deterministic/clean|spins-forever)/', '--threads', '2', '--jitter', 'none', '--schedule', 'free', '--runs', '50', '--timeout', '60s', '--seed', 'sig2', '--reporter', 'console', '--reporter', `json:${json}`]);
    await until(() => c.out().includes('deterministic/clean/t2/c-all/j-none: 50 trials'), 60_000, 'the first configuration');
    await new Promise((r) => setTimeout(r, 1000));
    c.child.kill('SIGINT');
    c.child.kill('SIGINT');
    const code = await c.exit(45_000);
    assert.equal(code, 130, c.out() + c.err());
    const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
    assert.equal(summary.interrupted, true);
    assert.equal(summary.configs.find((r) => r.config.key === 'deterministic/clean/t2/c-all/j-none')?.trials, 50);
  });

  it('exits 130 at once on a second SIGINT, even while a reporter is stuck', async () => {
    // A reporter whose finish never returns: only the second SIGINT can end the run.
    const reporter = join(dir, 'stuck-reporter.mjs');
    writeFileSync(reporter, 'export default () => ({ finish: () => new Promise(() => { setInterval(() => {}, 1000); }) });\n');
    const c = start(['run', 'counter', '--grep', 'atomic', '--threads', '2', '--jitter', 'none', '--runs', '100000000', '--seed', 'twice', '--reporter', 'console', '--reporter', reporter]);
    await until(() => c.out().includes('stress run:'), 30_000, 'the run to start');
    await new Promise((r) => setTimeout(r, 500));
    c.child.kill('SIGINT');
    await until(() => c.err().includes('SIGINT: stopping'), 30_000, 'the first SIGINT to be acknowledged');
    // The first SIGINT finishes the run and reaches the stuck reporter; it must not exit by itself.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(c.child.exitCode, null, 'still running: the reporter is stuck');
    const sentAt = performance.now();
    c.child.kill('SIGINT');
    // Without the second-SIGINT exit the process never ends (the reporter never returns): a bound
    // far above the usual few milliseconds tells the two apart on a loaded machine.
    const code = await c.exit(30_000);
    assert.equal(code, 130);
    assert.ok(performance.now() - sentAt < 30_000, 'the second SIGINT exits the stuck run');
  });
});

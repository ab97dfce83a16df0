/**
 * `-` as a reporter target is standard output (issue 18, CLI conventions): `--json -`, `--reporter
 * json:-`, `jsonl:-` and `markdown:-` write their stream there and nothing else does (the closing
 * line goes to stderr), so `stress run --json - | jq` works. Two writers of standard output, `-`
 * for a reporter that writes a file (junit, html), and `-` in a soak are usage errors; no file
 * named "-" is ever created.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI } from '../helpers/cli.js';

const RUN = ['run', 'counter', '--threads', '2', '--jitter', 'none', '--schedule', 'free', '--runs', '20', '--seed', 'stdout'];

describe('cli: "-" is standard output for json, jsonl and markdown', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-stdout-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function stress(args: string[]): { code: number | null; out: string; err: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  it('--json - and --reporter json:- put the summary alone on stdout; the closing line goes to stderr', () => {
    for (const flags of [['--json', '-'], ['--reporter', 'json:-']]) {
      const r = stress([...RUN, ...flags]);
      const summary = JSON.parse(r.out) as { configs: unknown[]; exitCode: number };
      assert.equal(summary.configs.length, 3);
      assert.equal(r.code, summary.exitCode, r.err);
      assert.match(r.err, new RegExp(`3 configurations, 60 trials .*exit code ${summary.exitCode}`));
    }
  });

  it('jsonl:- streams the results lines (header, a line per configuration, the end) to stdout', () => {
    const r = stress([...RUN, '--reporter', 'jsonl:-']);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    assert.deepEqual(lines.map((l) => l.kind), ['shakedown-run', 'config', 'config', 'config', 'end']);
    const md = stress([...RUN, '--reporter', 'markdown:-']);
    assert.match(md.out, /^#/m);
    assert.equal(existsSync(join(dir, '-')), false, 'no file named "-"');
  });

  it('refuses two writers of stdout, "-" for junit and html, and "-" in a soak (exit 2)', () => {
    const both = stress([...RUN, '--reporter', 'console', '--reporter', 'json:-']);
    assert.equal(both.code, 2);
    assert.match(both.err, /console and json:- would all write to standard output/);
    // The same terminal reporter twice printed everything twice.
    for (const name of ['console', 'markdown']) {
      const twice = stress([...RUN, '--reporter', name, '--reporter', name]);
      assert.equal(twice.code, 2, twice.out + twice.err);
      assert.match(twice.err, new RegExp(`--reporter: ${name} is given twice; give it once`));
    }
    for (const r of ['junit', 'html']) {
      const x = stress([...RUN, '--reporter', `${r}:-`]);
      assert.equal(x.code, 2);
      assert.match(x.err, new RegExp(`${r}:-: ${r} writes a file`));
    }
    const soak = stress(['run', 'counter', '--duration', '2s', '--reporter', 'jsonl:-']);
    assert.equal(soak.code, 2);
    assert.match(soak.err, /a soak\) rewrites its reports after every pass/);
    assert.equal(existsSync(join(dir, '-')), false);
  });

  it('a standard output that cannot be written (a full disk: /dev/full) is a harness error in one line, exit 3, never 1', function () {
    if (!existsSync('/dev/full')) return this.skip();
    const fd = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [CLI, ...RUN, '--grep', '/(locked|atomic)/', '--reporter', 'jsonl:-'], { cwd: dir, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', fd, 'pipe'], env: { ...process.env, STRESS_SEED: '' } });
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, /^stress: cannot write to standard output \(ENOSPC\); no verdict: exit code 3$/m);
    } finally {
      closeSync(fd);
    }
  });
});

/**
 * Hostile suites the issue lists that run.test.ts does not already cover: a
 * suite failing in every one of 100,000 trials, an actor printing megabytes,
 * modules that fail to import, and one hostile configuration among good ones.
 * Each asserts a clear status and message, intact neighbours, and an end.
 */
import type { RunOptions } from '../../harness/core/settings/run-options.js';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../harness/core/run.js';
import type { ConfigResult, RunSummary } from '../../harness/core/grade/results.js';
import { SAMPLES_KEPT } from '../../harness/core/grade/grade.js';
import { spawnSync } from 'node:child_process';
import { CLI, stress } from '../helpers/cli.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));

async function runAll(options: Parameters<typeof run>[0]): Promise<RunSummary> {
  for await (const e of run(options)) if (e.type === 'run-end') return e.summary;
  throw new Error('run ended without a summary');
}

/** The parts of a result that do not depend on timing. */
function counts(r: ConfigResult): unknown {
  return { status: r.status, trials: r.trials, failedTrials: r.failedTrials, invariants: r.invariants.map((i) => [i.name, i.failures, i.samples.map((s) => s.trial)]), outcomes: r.outcomes };
}

describe('harness/hostile suites', function () {
  this.timeout(120_000);

  it('counts every failure of a suite failing in all 100,000 trials, keeping a bounded report', async () => {
    const s = await runAll({ suites: [fixture('fails-always')], runs: 100_000, jitter: ['none'], seed: 'always' });
    const r = s.configs[0]!;
    assert.equal(r.status, 'fail');
    assert.equal(r.trials, 100_000);
    assert.equal(r.failedTrials, 100_000);
    const inv = r.invariants.find((i) => i.name === 'never holds')!;
    assert.equal(inv.failures, 100_000);
    assert.equal(inv.samples.length, SAMPLES_KEPT);
    assert.match(inv.samples[0]!.details, /planted: this invariant fails in every trial/);
    const size = JSON.stringify(s, null, 2).length;
    assert.ok(size < 200_000, `JSON summary is ${size} bytes`);
    assert.equal(s.exitCode, 1);
  });

  it('survives an actor printing 15 MB to stdout; the results are intact (CLI, output discarded)', () => {
    // A trial's reply waits for its output to flush, with no primitive operation meanwhile. Under two CPU
    // hogs and a second test run this exited 1 once with the default 1 s trial timeout: the invariant
    // always holds, so that was a hang while 5 MB flushed. The test is about output: it gives 10 s.
    const c = spawnSync(process.execPath, [CLI, 'run', fixture('prints-megabytes'), '--runs', '50', '--jitter', 'none', '--timeout', '10s', '--seed', 'loud'], {
      encoding: 'utf8',
      timeout: 90_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' },
    });
    const r = { code: c.status, out: c.stdout, err: c.stderr };
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /PASS\s+prints-megabytes\/default\/t2\/c-all\/j-none: 50 trials/);
    assert.ok(r.out.length >= 15 * 1024 * 1024, 'the worker output reached the process stdout');
  });

  it('does not mistake a batch for hung while its output is flushed and the next batch runs (CLI, short timeout)', () => {
    // A batch of 8 trials of 150 ms outlasts the 1 s timeout, so a reply held back for a whole batch
    // would look like a hang. (With 80 ms and 600 ms it failed once under a load average of 8: a
    // thread that got under 13% of a CPU for 600 ms.)
    const c = spawnSync(process.execPath, [CLI, 'run', fixture('chatty'), '--runs', '40', '--jitter', 'none', '--param', 'busyMs=150', '--timeout', '1s', '--seed', 'chatty'], {
      encoding: 'utf8',
      timeout: 90_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' },
    });
    assert.equal(c.status, 0, c.stdout.split('\n').filter((l) => !l.startsWith('trial ')).join('\n') + c.stderr);
    assert.match(c.stdout, /PASS\s+chatty\/default\/t2\/c-all\/j-none: 40 trials/);
  });

  it('rejects a suite module with a syntax error or a throwing top level: exit 2, one line naming the module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
    try {
      const broken = join(dir, 'broken-suite.mjs');
      writeFileSync(broken, 'export default defineSuite({ name: "x", \n');
      for (const [path, why] of [
        [broken, /broken-suite\.mjs: .*(Unexpected|missing|SyntaxError)/i],
        [fixture('throws-on-import'), /throws-on-import\.js: planted: this module fails at import/],
      ] as const) {
        const r = stress(['run', path, '--runs', '1']);
        assert.equal(r.code, 2, r.err);
        assert.equal(r.out, '', 'nothing ran, nothing reported');
        assert.equal(r.err.trim().split('\n').length, 1, r.err);
        assert.match(r.err, /^stress: cannot load suite /);
        assert.match(r.err, why);
        assert.match(r.err, /\[ERR_SUITE_LOAD\]/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the other configurations of a run intact around hostile ones (crash, hang, throw)', async () => {
    const good: RunOptions = { suites: [fixture('deterministic')], threads: [2], runs: 60, jitter: ['none'], schedule: ['free'], seed: 'mixed', timeoutMs: 1500 };
    const alone = await runAll(good);
    const mixed = await runAll({ ...good, suites: [fixture('exits'), fixture('deterministic'), fixture('spins-forever'), fixture('throws')] });
    const status = (prefix: string): string => mixed.configs.find((c) => c.config.key.startsWith(prefix))!.status;
    assert.equal(status('exits/'), 'error');
    assert.equal(status('spins-forever/'), 'hang');
    assert.equal(status('throws/'), 'error');
    assert.equal(alone.configs.length, 3);
    for (const r of alone.configs) {
      const m = mixed.configs.find((c) => c.config.key === r.config.key);
      assert.ok(m, `${r.config.key} ran in the mixed run`);
      assert.deepEqual(counts(m), counts(r), r.config.key);
    }
    assert.equal(mixed.exitCode, 3, 'a harness error outranks the failing deterministic variants');
  });
});

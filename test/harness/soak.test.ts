/**
 * The CI soak: `stress run --duration 60s` over a small matrix (tens of
 * millions of trials). Passes continue the trial numbering (the deterministic
 * fixture's failure count proves no trial ran twice), checkpoints land in
 * every file report while the soak runs, the final report is complete, and
 * resident memory stays flat after warm-up.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../../harness/core/grade/results.js';
import { SAMPLES_KEPT } from '../../harness/core/grade/grade.js';
import { readResultsFile } from '../../harness/core/record/results-file.js';
import { CLI } from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/deterministic.js', import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Trials k in [0, trials) that fail in the deterministic fixture: (k + threads) % modulus === 0. */
function expectedFailures(trials: number, threads: number, modulus: number): number {
  let n = 0;
  for (let k = 0; k < trials; k++) if ((k + threads) % modulus === 0) n++;
  return n;
}

describe('harness/soak', function () {
  this.timeout(180_000);

  it('rotates through the matrix for 60 s: checkpoints, complete totals, no repeated trial, flat memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'soak-'));
    const json = join(dir, 'soak.json');
    const jsonl = join(dir, 'soak.jsonl');
    const junit = join(dir, 'soak.xml');
    try {
      const child = spawn(process.execPath, [CLI, 'run', FIXTURE, '--grep', '/(sevens|clean)/', '--threads', '1,2', '--jitter', 'none', '--schedule', 'free', '--duration', '60s', '--time-budget', '2s', '--seed', 'soak', '--reporter', `jsonl:${jsonl}`, '--reporter', `junit:${junit}`, '--json', json], {
        stdio: 'ignore',
        env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' },
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const killer = setTimeout(() => child.kill('SIGKILL'), 150_000);
      // A checkpoint is on disk while the soak is still running.
      const deadline = Date.now() + 60_000;
      while (!existsSync(json) && child.exitCode === null) {
        assert.ok(Date.now() < deadline, 'a checkpoint within 60 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      const checkpoint = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
      assert.equal(checkpoint.soak?.complete, false, 'the first file is a checkpoint');
      // The other file reporters checkpoint too (written before the JSON one, in flag order).
      const partial = readResultsFile(jsonl);
      assert.ok(partial.configs.length > 0 && partial.end === undefined, 'the JSON-lines checkpoint has configurations and no end line');
      assert.match(readFileSync(junit, 'utf8'), /soak in progress/);
      const code = await exited;
      clearTimeout(killer);
      assert.equal(code, 1, 'the sevens variant fails');

      const s = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
      assert.ok(s.soak, 'a soak summary');
      assert.equal(s.soak.complete, true);
      // Not a throughput claim (30 passes quiet, 18 under load): enough passes for the memory quarters below.
      assert.ok(s.soak.passes >= 4, `${s.soak.passes} passes`);
      assert.equal(s.configs.length, 4);
      const lines = readResultsFile(jsonl);
      assert.equal(lines.configs.length, 4, 'the final JSON-lines file has each configuration once');
      assert.equal(lines.end?.exitCode, 1);
      assert.doesNotMatch(readFileSync(junit, 'utf8'), /soak in progress/);
      for (const r of s.configs) {
        assert.ok(!('nextTrial' in r), 'internal bookkeeping stays out of reports');
        const inv = r.invariants.find((i) => i.name === 'trial index is off the modulus')!;
        const modulus = r.config.variant === 'sevens' ? 7 : 0;
        // Equal only if every pass continued the numbering: repeating trials 0.. would count their failures again.
        assert.equal(inv.failures, modulus === 0 ? 0 : expectedFailures(r.trials, r.config.threads, modulus), r.config.key);
        assert.ok(inv.samples.length <= SAMPLES_KEPT);
      }
      // Flat memory. Measured here (30 passes): RSS climbs ~40 MB over the first quarter (worker heaps and
      // allocator arenas reaching their working size), then the last quarter's median was 1.17-1.23x the
      // second quarter's over ~56M trials; the 10-minute bench settles flat (BENCHMARKS.md). A leak of even
      // a few bytes per trial would add hundreds of MB here, so: at most 1.5x, and less than 150 MB over pass 1.
      const byPass = s.soak.rssMb.byPass;
      assert.equal(byPass.length, s.soak.passes);
      const q = Math.max(1, Math.floor(byPass.length / 4));
      const warm = median(byPass.slice(q, 2 * q));
      const end = median(byPass.slice(byPass.length - q));
      assert.ok(end <= 1.5 * warm, `RSS median ${warm} MB after warm-up, ${end} MB at the end (${byPass.join(', ')})`);
      const growth = s.soak.rssMb.max - s.soak.rssMb.first;
      assert.ok(growth < 150, `RSS grew ${growth} MB over ${s.soak.passes} passes (${byPass.join(', ')})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

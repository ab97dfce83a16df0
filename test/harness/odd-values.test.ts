/**
 * Issue 17 item 3, end to end: a BigInt or cyclic expected/observed, an invariant that throws
 * undefined, an outcome function that throws null. Each fixture suite has two configurations, the
 * first failing with the odd value: the run must go on to the second, show the failure readably,
 * write its reports, and exit 1 (failures found), not 3 (harness error).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../harness/core/run.js';
import type { RunSummary } from '../../harness/core/grade/results.js';
import { stress } from '../helpers/cli.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));

/** Suite name, the invariant that fails in its "odd" variant, and how the failure must read. */
const CASES: Array<{ suite: string; invariant: string; details: string }> = [
  { suite: 'bigint-observed', invariant: 'sum is right', details: 'expected 18446744073709551616n, observed BigInt64Array(2) [-1n, 7n]' },
  { suite: 'cyclic-expected', invariant: 'ring is closed', details: 'expected { name: "head", next: [Circular] }, observed "an open ring"' },
  { suite: 'invariant-throws-undefined', invariant: 'checks out', details: 'the invariant threw undefined' },
  { suite: 'outcome-throws-null', invariant: 'outcome is not forbidden', details: 'the outcome function threw null' },
];

async function summaryOf(options: Parameters<typeof run>[0]): Promise<RunSummary> {
  for await (const e of run(options)) if (e.type === 'run-end') return e.summary;
  throw new Error('run ended without a summary');
}

describe('odd values in verdicts (issue 17 item 3)', function () {
  this.timeout(120_000);

  for (const c of CASES) {
    it(`run(): ${c.suite} fails its first configuration readably, and the second still runs`, async () => {
      const s = await summaryOf({ suites: [fixture(c.suite)], runs: 3, jitter: ['none'], schedule: ['free'], seed: 'odd' });
      assert.deepEqual(
        s.configs.map((r) => [r.config.key, r.status, r.trials]),
        [
          [`${c.suite}/odd/t1/c-all/j-none`, 'fail', 3],
          [`${c.suite}/plain/t1/c-all/j-none`, 'pass', 3],
        ],
      );
      const inv = s.configs[0]!.invariants.find((i) => i.name === c.invariant)!;
      assert.equal(inv.failures, 3);
      assert.equal(inv.samples[0]!.details, c.details);
      assert.doesNotThrow(() => JSON.stringify(s), 'the summary is plain JSON data');
      assert.equal(s.exitCode, 1);
    });
  }

  it('stress run: every configuration runs, the failures are shown, json/jsonl/junit are written, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stress-odd-'));
    try {
      const json = join(dir, 'o.json');
      const jsonl = join(dir, 'o.jsonl');
      const xml = join(dir, 'o.xml');
      const suites = CASES.map((c) => fixture(c.suite));
      const r = stress(['run', ...suites, '--runs', '3', '--jitter', 'none', '--schedule', 'free', '--seed', 'odd', '--json', json, '--reporter', 'console', '--reporter', `jsonl:${jsonl}`, '--reporter', `junit:${xml}`]);
      assert.equal(r.code, 1, `exit code; stderr: ${r.err}`);
      assert.doesNotMatch(r.err, /serialize|circular/i);
      for (const c of CASES) {
        assert.match(r.out, new RegExp(`FAIL +${c.suite}/odd/`));
        assert.match(r.out, new RegExp(`PASS +${c.suite}/plain/`));
        assert.ok(r.out.includes(c.details), `the console shows: ${c.details}`);
      }

      const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
      assert.equal(summary.configs.length, 2 * CASES.length, 'every configuration ran');
      const bigint = summary.configs.find((x) => x.config.key === 'bigint-observed/odd/t1/c-all/j-none')!;
      const sample = bigint.invariants.find((i) => i.name === 'sum is right')!.samples[0]!;
      assert.equal(sample.expected, '18446744073709551616n');
      assert.deepEqual(sample.observed, ['-1n', '7n']);

      const lines = readFileSync(jsonl, 'utf8').trim().split('\n');
      for (const line of lines) assert.doesNotThrow(() => JSON.parse(line) as unknown, line.slice(0, 200));
      assert.ok(lines.length >= 2 * CASES.length, `${lines.length} jsonl lines`);

      const junit = readFileSync(xml, 'utf8');
      assert.match(junit, /<testsuites/);
      for (const c of CASES) assert.ok(junit.includes(`${c.suite}/plain/t1/c-all/j-none`), `junit has ${c.suite}/plain`);
      assert.ok(junit.includes('the invariant threw undefined'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stress run: a BigInt suite parameter reaches every report as the text 5n (json, jsonl, junit written, stress report reads it, exit 1)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stress-bigint-param-'));
    try {
      const json = join(dir, 'o.json');
      const jsonl = join(dir, 'o.jsonl');
      const xml = join(dir, 'o.xml');
      const r = stress(['run', fixture('bigint-param'), '--runs', '3', '--jitter', 'none', '--seed', 'odd', '--json', json, '--reporter', 'console', '--reporter', `jsonl:${jsonl}`, '--reporter', `junit:${xml}`]);
      assert.equal(r.code, 1, `exit code; stderr: ${r.err}`);
      assert.match(r.out, /limit is the BigInt 5n/);
      const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
      assert.equal(summary.configs[0]!.config.params.limit, '5n');
      for (const line of readFileSync(jsonl, 'utf8').trim().split('\n')) assert.doesNotThrow(() => JSON.parse(line) as unknown, line.slice(0, 200));
      assert.match(readFileSync(xml, 'utf8'), /name="params" value="\{&quot;limit&quot;:&quot;5n&quot;\}"/);
      const report = stress(['report', jsonl]);
      assert.equal(report.code, 1, report.err);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Sharding end to end: three shards of a run, merged, equal the unsharded
 * run on everything that does not depend on timing: configuration keys and
 * order, trials per configuration, seeds, and the exact failure counts and
 * failing trials of a suite whose outcome depends only on the trial index.
 * Also: merge refuses shards that do not belong together, naming the problem,
 * and each configuration keeps the hostname of the shard that ran it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../../harness/core/grade/results.js';
import { decodeReplay } from '../../harness/core/record/replay-token.js';
import { stress } from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/deterministic.js', import.meta.url));
// Free-running: 3 variants x 2 thread counts x 2 jitters = 12 configurations, plus counter's correct
// variants (8); controlled: one per suite, variant and threads (6 + 4). 30 in all.
const RUN = [FIXTURE, 'counter', '--grep', '^(deterministic|counter/(locked|atomic))/', '--threads', '1,2', '--jitter', 'none,spin-1us', '--schedule', 'free,ctl', '--runs', '60', '--timeout', '5s', '--seed', 'shard-seed'];

describe('harness/merge (sharded == unsharded)', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'shards-'));
  const f = (name: string): string => join(dir, name);
  /** A copy of a results file with its header changed (as another machine or version would have written it). */
  const withHeader = (from: string, to: string, change: (h: Record<string, unknown>) => void): string => {
    const [head, ...rest] = readFileSync(f(from), 'utf8').split('\n');
    const h = JSON.parse(head!) as Record<string, unknown>;
    change(h);
    writeFileSync(f(to), [JSON.stringify(h), ...rest].join('\n'));
    return f(to);
  };
  let whole: RunSummary;
  let merged: RunSummary;

  before(() => {
    const r = stress(['run', ...RUN, '--reporter', `jsonl:${f('whole.jsonl')}`, '--reporter', `json:${f('whole.json')}`]);
    assert.equal(r.code, 1, `the fixture's flaky variants fail the run: ${r.err}`);
    for (const i of [1, 2, 3]) {
      const s = stress(['run', ...RUN, '--shard', `${i}/3`, '--reporter', `jsonl:${f(`shard${i}.jsonl`)}`]);
      assert.ok(s.code === 0 || s.code === 1, s.err);
    }
    const m = stress(['merge', f('shard3.jsonl'), f('shard1.jsonl'), f('shard2.jsonl'), '--reporter', `json:${f('merged.json')}`, '--reporter', `jsonl:${f('merged.jsonl')}`]);
    assert.equal(m.code, 1, m.err);
    whole = JSON.parse(readFileSync(f('whole.json'), 'utf8')) as RunSummary;
    merged = JSON.parse(readFileSync(f('merged.json'), 'utf8')) as RunSummary;
  });

  it('runs the same configurations, in plan order, each with the same trials and seed', () => {
    assert.equal(whole.configs.length, 30);
    assert.equal(whole.configs.filter((c) => c.config.schedule === 'ctl').length, 10);
    assert.deepEqual(merged.configs.map((c) => c.config.key), whole.configs.map((c) => c.config.key));
    assert.deepEqual(merged.configs.map((c) => c.trials), whole.configs.map(() => 60));
    assert.deepEqual(merged.configs.map((c) => c.config.seed), whole.configs.map(() => 'shard-seed'));
    assert.equal(merged.exitCode, whole.exitCode);
  });

  it('gives the deterministic suite exactly the same failures, in the same trials, with the same replay tokens', () => {
    const det = (s: RunSummary) => s.configs.filter((c) => c.config.suite === 'deterministic');
    const shape = (s: RunSummary) =>
      det(s).map((c) => ({
        key: c.config.key,
        failed: c.failedTrials,
        invariants: c.invariants.map((i) => ({ name: i.name, failures: i.failures, trials: i.samples.map((x) => x.trial), replays: i.samples.map((x) => x.replay) })),
        outcomes: c.outcomes,
      }));
    assert.deepEqual(shape(merged), shape(whole));
    // And the counts are the ones the fixture's rule gives: (trial + threads) % 7 === 0 within 60 trials.
    const sevens = det(whole).find((c) => c.config.key === 'deterministic/sevens/t2/c-all/j-none')!;
    assert.equal(sevens.failedTrials, Array.from({ length: 60 }, (_, k) => k).filter((k) => (k + 2) % 7 === 0).length);
    assert.equal(decodeReplay(sevens.invariants[0]!.samples[0]!.replay).trial, 5);
  });

  it('passes the correct counter variants in both', () => {
    for (const s of [whole, merged]) for (const c of s.configs.filter((x) => x.config.suite === 'counter')) assert.equal(c.status, 'pass', c.config.key);
  });

  it('writes a merged results file that reports like the original', () => {
    const lines = readFileSync(f('merged.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 32, 'header, 30 configurations, end');
    const r = stress(['report', f('merged.jsonl'), '--reporter', 'markdown']);
    assert.equal(r.code, 1);
    // sevens and fives (deterministic failures by trial index) at 2 thread counts: 2 jitters free-running and ctl.
    assert.match(r.out, /### Flaky \(12\)/);
  });

  it('refuses a missing shard, naming it, and exits 2', () => {
    const r = stress(['merge', f('shard1.jsonl'), f('shard3.jsonl')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /missing shard 2\/3: merge the results files of all 3 shards \[ERR_MERGE\]/);
    assert.equal(r.out, '');
  });

  it('refuses a shard given twice, and shards of another seed', () => {
    const twice = stress(['merge', f('shard1.jsonl'), f('shard1.jsonl'), f('shard2.jsonl'), f('shard3.jsonl')]);
    assert.equal(twice.code, 2);
    assert.match(twice.err, /shard 1\/3 given twice/);
    const other = stress(['run', ...RUN.slice(0, -2), '--seed', 'other', '--shard', '2/3', '--reporter', `jsonl:${f('other2.jsonl')}`]);
    assert.ok(other.code === 0 || other.code === 1, other.err);
    const r = stress(['merge', f('shard1.jsonl'), f('other2.jsonl'), f('shard3.jsonl')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /has seed other but .* has shard-seed/);
  });

  it('refuses shards run with different --param values, naming the field and both files', () => {
    const other = stress(['run', ...RUN, '--param', 'modulus=3', '--shard', '2/3', '--reporter', `jsonl:${f('param2.jsonl')}`]);
    assert.ok(other.code === 0 || other.code === 1, other.err);
    const r = stress(['merge', f('shard1.jsonl'), f('param2.jsonl'), f('shard3.jsonl')]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /param2\.jsonl ran (deterministic|counter)\/\w+ with params \{.*"modulus":3.*\} but .*shard1\.jsonl with \{.*\}: pass the same --param and --impl flags to every shard \[ERR_MERGE\]/);
    assert.equal(r.out, '');
  });

  it('refuses shards of another shakedown version, and a soak shard with plain ones', () => {
    const tool = stress(['merge', f('shard1.jsonl'), withHeader('shard2.jsonl', 'tool2.jsonl', (h) => (h.tool = '9.9.9')), f('shard3.jsonl')]);
    assert.equal(tool.code, 2);
    assert.match(tool.err, /tool2\.jsonl was written by shakedown 9\.9\.9 but .*shard1\.jsonl by \d+\.\d+\.\d+\S*: run every shard with the same version \[ERR_MERGE\]/);
    const soak = stress(['merge', f('shard1.jsonl'), withHeader('shard2.jsonl', 'soak2.jsonl', (h) => (h.soak = true)), f('shard3.jsonl')]);
    assert.equal(soak.code, 2);
    assert.match(soak.err, /soak2\.jsonl is a soak run \(--duration\) but .*shard1\.jsonl is not a soak run: merge shards of one run \[ERR_MERGE\]/);
  });

  it('accepts shards checked out at different paths (module URLs in params compared by file name), refuses another module', () => {
    /** A copy of a shard whose every configuration names an implementation module at `url`. */
    const withImpl = (from: string, to: string, url: string): string => {
      const [head, ...rest] = readFileSync(f(from), 'utf8').trim().split('\n');
      const lines = rest.map((line) => {
        const rec = JSON.parse(line) as { result?: { config: { params: Record<string, unknown> } } };
        if (rec.result !== undefined) rec.result.config.params.impl = url;
        return JSON.stringify(rec);
      });
      writeFileSync(f(to), [head, ...lines].join('\n') + '\n');
      return f(to);
    };
    const ok = stress(['merge', withImpl('shard1.jsonl', 'p1.jsonl', 'file:///agent/_work/1/s/dist/impl.js'), withImpl('shard2.jsonl', 'p2.jsonl', 'file:///agent/_work/2/s/dist/impl.js'), withImpl('shard3.jsonl', 'p3.jsonl', 'file:///home/ci/s/dist/impl.js')]);
    assert.notEqual(ok.code, 2, ok.err);
    const other = stress(['merge', f('p1.jsonl'), withImpl('shard2.jsonl', 'q2.jsonl', 'file:///agent/_work/2/s/dist/other-impl.js'), f('p3.jsonl')]);
    assert.equal(other.code, 2, other.err);
    assert.match(other.err, /params/);
  });

  it('refuses a configuration record whose counts no run can write (more failed trials than trials, an invariant or hangs beyond the failed trials)', () => {
    /** shard 2 with its first configuration record changed. */
    const edited = (to: string, change: (r: { trials: number; failedTrials: number; invariants: Array<{ failures: number }>; hangs: { count: number } }) => void): string => {
      const lines = readFileSync(f('shard2.jsonl'), 'utf8').split('\n');
      const at = lines.findIndex((l) => l.includes('"kind":"config"'));
      const rec = JSON.parse(lines[at]!) as { result: Parameters<typeof change>[0] };
      change(rec.result);
      lines[at] = JSON.stringify(rec);
      writeFileSync(f(to), lines.join('\n'));
      return f(to);
    };
    const cases: Array<[string, (r: Parameters<Parameters<typeof edited>[1]>[0]) => void, RegExp]> = [
      ['over.jsonl', (r) => (r.failedTrials = r.trials + 440), /configuration record .* has \d+ failed trials of \d+, which no run writes/],
      ['inv.jsonl', (r) => (r.invariants[0]!.failures = r.failedTrials + 5), /has \d+ failures of invariant ".*" but \d+ failed trials, which no run writes/],
      ['hangs.jsonl', (r) => (r.hangs.count = r.failedTrials + 1), /has \d+ hangs but \d+ failed trials/],
    ];
    for (const [name, change, expected] of cases) {
      const m = stress(['merge', f('shard1.jsonl'), edited(name, change), f('shard3.jsonl')]);
      assert.equal(m.code, 2, `${name}: ${m.err}`);
      assert.match(m.err, expected);
      assert.match(m.err, /\[ERR_RESULTS_FILE\]/);
    }
  });

  it('refuses shards run with different --max-failures, naming the setting', () => {
    const mf = stress(['merge', f('shard1.jsonl'), withHeader('shard2.jsonl', 'mf2.jsonl', (h) => ((h.settings as Record<string, unknown>).maxFailures = 5)), f('shard3.jsonl')]);
    assert.equal(mf.code, 2, mf.err);
    assert.match(mf.err, /maxFailures/);
  });

  it('records the hostname in each shard, and JUnit from the merge names the machine that ran each testsuite', () => {
    const header = JSON.parse(readFileSync(f('shard1.jsonl'), 'utf8').split('\n')[0]!) as { hostname?: string };
    assert.equal(header.hostname, hostname());
    const files = [1, 2, 3].map((i) => withHeader(`shard${i}.jsonl`, `host${i}.jsonl`, (h) => (h.hostname = `machine-${i}`)));
    // A file written before the header had a hostname stays readable: its testsuites get the merging machine's.
    files[2] = withHeader('shard3.jsonl', 'old3.jsonl', (h) => delete h.hostname);
    const xml = f('hosts.xml');
    const m = stress(['merge', ...files, '--reporter', `junit:${xml}`, '--reporter', `jsonl:${f('hosts-merged.jsonl')}`]);
    assert.equal(m.code, 1, m.err);
    const expected = new Map<string, string>();
    for (const i of [1, 2, 3]) {
      for (const line of readFileSync(f(`shard${i}.jsonl`), 'utf8').trim().split('\n').slice(1)) {
        const rec = JSON.parse(line) as { kind: string; result?: { config: { key: string } } };
        if (rec.kind === 'config') expected.set(rec.result!.config.key, i === 3 ? hostname() : `machine-${i}`);
      }
    }
    const got = new Map([...readFileSync(xml, 'utf8').matchAll(/<testsuite name="([^"]*)"[^>]* hostname="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    assert.equal(got.size, 30);
    assert.deepEqual(got, expected);
    // Merged again from the merged file, each configuration keeps its machine.
    const again = f('hosts-again.xml');
    assert.equal(stress(['report', f('hosts-merged.jsonl'), '--reporter', `junit:${again}`]).code, 1);
    assert.deepEqual(new Map([...readFileSync(again, 'utf8').matchAll(/<testsuite name="([^"]*)"[^>]* hostname="([^"]*)"/g)].map((x) => [x[1]!, x[2]!])), expected);
  });
});

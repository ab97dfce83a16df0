/**
 * Sharding with more shards than configurations: each configuration's trials
 * are cut into slices, every shard gets work, and the merge adds the slices
 * back up to exactly the unsharded run (with --runs): same trials, failures,
 * failing trials, replay tokens and outcomes, on a suite whose outcome depends
 * only on the trial index.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigResult, RunSummary } from '../../harness/core/grade/results.js';
import { stress } from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/deterministic.js', import.meta.url));
// 2 configurations over 5 shards: each cut into 3 slices of 20 trials, 6 slices for 5 shards.
const RUN = [FIXTURE, '--grep', '^deterministic/(sevens|fives)/', '--threads', '2', '--jitter', 'none', '--runs', '60', '--timeout', '5s', '--seed', 'slice-seed', '--schedule', 'free'];
const SHARDS = 5;

describe('harness/merge of trial slices (more shards than configurations)', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'slices-'));
  const f = (name: string): string => join(dir, name);
  const shardFiles = Array.from({ length: SHARDS }, (_, i) => f(`shard${i + 1}.jsonl`));
  let whole: RunSummary;
  let merged: RunSummary;
  const shards: RunSummary[] = [];

  before(() => {
    const r = stress(['run', ...RUN, '--reporter', `json:${f('whole.json')}`]);
    assert.equal(r.code, 1, `the fixture's variants fail in some trials: ${r.err}`);
    for (let i = 1; i <= SHARDS; i++) {
      const s = stress(['run', ...RUN, '--shard', `${i}/${SHARDS}`, '--reporter', `jsonl:${shardFiles[i - 1]!}`, '--reporter', `json:${f(`shard${i}.json`)}`]);
      assert.ok(s.code === 0 || s.code === 1, s.err);
      shards.push(JSON.parse(readFileSync(f(`shard${i}.json`), 'utf8')) as RunSummary);
    }
    const m = stress(['merge', ...[...shardFiles].reverse(), '--reporter', `json:${f('merged.json')}`]);
    assert.equal(m.code, 1, m.err);
    assert.doesNotMatch(m.err, /warning/, 'a complete merge warns of nothing');
    whole = JSON.parse(readFileSync(f('whole.json'), 'utf8')) as RunSummary;
    merged = JSON.parse(readFileSync(f('merged.json'), 'utf8')) as RunSummary;
  });

  it('gives every shard a slice: 20 trials from its own first trial, named in its results', () => {
    // Item k of 6 is configuration floor(k / 3), slice k % 3 + 1; shard i takes items i-1 and i-1+5.
    const slices = shards.map((s) => s.configs.map((c) => [c.config.variant, c.slice?.index, c.slice?.total, c.slice?.firstTrial, c.trials]));
    assert.deepEqual(slices, [
      [['sevens', 1, 3, 0, 20], ['fives', 3, 3, 40, 20]],
      [['sevens', 2, 3, 20, 20]],
      [['sevens', 3, 3, 40, 20]],
      [['fives', 1, 3, 0, 20]],
      [['fives', 2, 3, 20, 20]],
    ]);
    for (const s of shards) for (const c of s.configs) for (const inv of c.invariants) for (const x of inv.samples) assert.ok(x.trial >= c.slice!.firstTrial && x.trial < c.slice!.firstTrial + 20, `sample trial ${x.trial} within its slice`);
  });

  it('names the slice in the console line and in JUnit properties of a shard', () => {
    const xml = f('shard2.xml');
    const r = stress(['report', shardFiles[1]!, '--reporter', 'console', '--reporter', `junit:${xml}`]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /deterministic\/sevens\/t2\/c-all\/j-none \[trial slice 2\/3, from trial 20\]: 20 trials/);
    assert.match(readFileSync(xml, 'utf8'), /<property name="trial slice" value="2\/3 from trial 20"\/>/);
  });

  it('adds the slices up to the unsharded run: trials, failures, failing trials, replay tokens, outcomes, first detection', () => {
    const shape = (s: RunSummary) =>
      s.configs.map((c: ConfigResult) => ({
        key: c.config.key,
        status: c.status,
        trials: c.trials,
        failed: c.failedTrials,
        invariants: c.invariants.map((i) => ({ name: i.name, trials: i.trials, failures: i.failures, interval: i.interval, samples: i.samples.map((x) => [x.trial, x.replay]) })),
        outcomes: c.outcomes,
        first: c.firstDetection?.trial,
        slice: c.slice,
      }));
    assert.deepEqual(shape(merged), shape(whole));
    assert.equal(merged.configs.length, 2);
    assert.equal(merged.exitCode, whole.exitCode);
    // The counts are the fixture's rule: (trial + 2 threads) % 7 === 0 within 60 trials.
    assert.equal(merged.configs[0]!.failedTrials, Array.from({ length: 60 }, (_, k) => k).filter((k) => (k + 2) % 7 === 0).length);
  });

  it('warns when a killed shard lost a slice, naming the configuration and the slice, and counts what is there', () => {
    // Shard 2 killed before its slice finished: its file holds only the header.
    const killed = f('killed2.jsonl');
    writeFileSync(killed, readFileSync(shardFiles[1]!, 'utf8').split('\n')[0]! + '\n');
    const r = stress(['merge', shardFiles[0]!, killed, ...shardFiles.slice(2), '--reporter', `json:${f('partial.json')}`]);
    assert.equal(r.code, 130, `a killed shard makes the merged run an interrupted one: ${r.err}`);
    assert.match(r.err, /warning: .*killed2\.jsonl: the run did not finish/);
    assert.match(r.err, /warning: deterministic\/sevens\/t2\/c-all\/j-none: trial slice 2\/3 missing, so its results cover only part of its trials/);
    const partial = JSON.parse(readFileSync(f('partial.json'), 'utf8')) as RunSummary;
    assert.deepEqual(partial.configs.map((c) => c.trials), [40, 60]);
  });
});

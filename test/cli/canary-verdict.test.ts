/**
 * `stress run` with a canary that survives: exit 1 and "not sensitive enough
 * with these settings". Only settings where the verdict cannot depend on
 * timing: a canary that never fails (fixture), and the lost-update canary at
 * one thread, where no update can be lost. The runs are free-running only
 * (--schedule free): the verdict rules are the subject here, and they are the
 * same for controlled configurations.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stress } from '../helpers/cli.js';
import type { RunSummary } from '../../harness/core/grade/results.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/canaries.js', import.meta.url));

describe('cli: canary verdicts', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-canary-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 and says "not sensitive enough" when the lost-update canary runs where it cannot be caught (1 thread)', () => {
    const r = stress(['run', 'counter', '--grep', 'unlocked', '--threads', '1', '--jitter', 'none', '--schedule', 'free', '--runs', '50', '--seed', 'one-thread']);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /^ {2}SURVIVED counter\/unlocked\/t1\/c-all\/j-none \[canary\]: 50 trials, failed 0%/m);
    assert.match(r.out, /^ {2}SURVIVED {2}counter\/unlocked: not caught in 50 trials; not sensitive enough with these settings: raise --time-budget or --runs/m);
    // No correct variant failed: the exit code is the canary's alone.
    assert.match(r.out, /none: every invariant of every correct variant held/);
    assert.match(r.out, /exit code 1$/m);
  });

  it('says "not enough budget", not "not sensitive enough", when a canary survived configurations too short to judge it (still exit 1)', () => {
    // One configuration with 200 ms of testing: below the 250 ms a canary needs to be judged.
    const json = join(dir, 'short.json');
    const r = stress(['run', FIXTURE, '--grep', '/survives/', '--threads', '1', '--jitter', 'none', '--schedule', 'free', '--time-budget', '200ms', '--seed', 'short', '--json', json]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /^ {2}SURVIVED {2}canaries\/survives: not caught in [\d,]+ trials?; not enough budget to judge it: each of its configurations had at most 200 ms of testing \(at least 250 ms each is needed\)/m);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
    assert.equal(summary.configs[0]!.shareMs, 200);
  });

  it('fails a run whose correct variants all held, only because a canary survived; the same run without it exits 0', () => {
    const json = join(dir, 'survives.json');
    const r = stress(['run', FIXTURE, '--grep', '/(clean|survives|caught)/', '--jitter', 'none', '--schedule', 'free', '--runs', '40', '--seed', 'fixture', '--json', json]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /^ {2}PASS {5}canaries\/clean\/t1\/c-all\/j-none: 40 trials/m);
    assert.match(r.out, /^ {2}CAUGHT {3}canaries\/caught\/t1\/c-all\/j-none \[canary\]: 40 trials, failed 100%/m);
    assert.match(r.out, /^ {2}caught {4}canaries\/caught: in 1 of 1 configurations/m);
    assert.match(r.out, /^ {2}SURVIVED {2}canaries\/survives: not caught in 40 trials; not sensitive enough with these settings/m);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
    assert.equal(summary.exitCode, 1);
    const verdicts = Object.fromEntries(summary.configs.map((c) => [c.config.variant, c.canaryVerdict ?? c.status]));
    assert.deepEqual(verdicts, { caught: 'caught', clean: 'pass', survives: 'survived' });

    const without = stress(['run', FIXTURE, '--grep', '/(clean|caught)/', '--jitter', 'none', '--schedule', 'free', '--runs', '40', '--seed', 'fixture']);
    assert.equal(without.code, 0, without.out + without.err);
    assert.doesNotMatch(without.out, /not sensitive enough/);
  });
});

/**
 * `stress run` flags as a user meets them: STRESS_SEED, --fail-fast, the CI
 * status line, and --cores beyond the machine. Verdicts come from suites whose
 * results do not depend on timing (correct variants, the canaries fixture).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stress } from '../helpers/cli.js';
import { affinityUnavailableReason, hasAffinity } from '../../harness/core/execute/pinned.js';
import type { RunSummary } from '../../harness/core/grade/results.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/canaries.js', import.meta.url));
/** One quick correct configuration. */
const ATOMIC = ['counter', '--grep', '^counter/atomic/t2/c-all/j-none$', '--runs', '20'];

describe('cli: run flags', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-flags-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const readSummary = (file: string): RunSummary => JSON.parse(readFileSync(file, 'utf8')) as RunSummary;

  describe('STRESS_SEED', () => {
    it('is the seed when --seed is absent: printed with the rerun hint and recorded in the JSON summary', () => {
      const json = join(dir, 'env-seed.json');
      const r = stress(['run', ...ATOMIC, '--json', json], { STRESS_SEED: 'from-env-7' });
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /^stress run: 1 configuration, seed from-env-7 \(rerun with --seed from-env-7\)$/m);
      assert.match(r.out, /seed from-env-7; exit code 0$/m);
      assert.equal(readSummary(json).seed, 'from-env-7');
    });

    it('loses to --seed', () => {
      const r = stress(['run', ...ATOMIC, '--seed', 'from-flag'], { STRESS_SEED: 'from-env-7' });
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /seed from-flag \(rerun with --seed from-flag\)/);
      assert.doesNotMatch(r.out, /from-env-7/);
    });

    it('counts as unset when empty (a fresh seed is drawn and printed)', () => {
      const r = stress(['run', ...ATOMIC], { STRESS_SEED: '' });
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /seed [0-9a-f]{8} \(rerun with --seed [0-9a-f]{8}\)/);
    });

    it('is checked like --seed: a bad value is a usage error naming STRESS_SEED', () => {
      const r = stress(['run', ...ATOMIC], { STRESS_SEED: 'has spaces' });
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /STRESS_SEED/);
    });
  });

  describe('--fail-fast', () => {
    // Plan order: canaries/caught t1, t2 (a canary, caught in every trial), broken t1, t2 (a correct
    // variant failing in every trial), clean t1, t2.
    const args = ['run', FIXTURE, '--grep', '/(caught|broken|clean)/', '--threads', '1,2', '--jitter', 'none', '--schedule', 'free', '--runs', '10', '--seed', 'ff'];

    it('stops after the first failing correct configuration: fewer configurations ran than planned, exit 1', () => {
      const json = join(dir, 'fail-fast.json');
      const r = stress([...args, '--fail-fast', '--json', json]);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.out, /^stress run: 6 configurations,/m);
      const ran = readSummary(json).configs.map((c) => c.config.key);
      // The caught canaries do not stop the run (they are passes); the first broken configuration does.
      assert.deepEqual(ran, ['canaries/caught/t1/c-all/j-none', 'canaries/caught/t2/c-all/j-none', 'canaries/broken/t1/c-all/j-none']);
      assert.match(r.out, /^ {2}FAIL {5}canaries\/broken\/t1\/c-all\/j-none: 10 trials/m);
      assert.doesNotMatch(r.out, /canaries\/(broken\/t2|clean)\//);
      assert.match(r.out, /^3 configurations, 30 trials in [\d.]+ s, seed ff; exit code 1$/m);
    });

    it('without it, the same run goes through all six configurations', () => {
      const json = join(dir, 'no-fail-fast.json');
      const r = stress([...args, '--json', json]);
      assert.equal(r.code, 1, r.out + r.err);
      assert.equal(readSummary(json).configs.length, 6);
      assert.match(r.out, /^6 configurations, 60 trials in [\d.]+ s, seed ff; exit code 1$/m);
    });
  });

  it('prints a plain status line every few seconds when stdout is not a terminal (CI), in the documented format', () => {
    // Two correct configurations sharing a 9 s budget: the status line is printed at most every 5 s,
    // the first once 5 s have passed, so a 9 s run prints at least one.
    const r = stress(['run', 'counter', '--grep', '^counter/atomic/t2/', '--jitter', 'none,spin-1us', '--schedule', 'free', '--time-budget', '9s', '--seed', 'ci'], {}, 90_000);
    assert.equal(r.code, 0, r.out + r.err);
    const status = [...r.out.matchAll(/^(\d+)s: ([\d,]+) trials?, ([\d,]+) failures? \(([\d.]+)%\), (\d+) configs? left, about (\d+s|\d+m \d\ds) to go$/gm)];
    assert.ok(status.length >= 1, `a status line in:\n${r.out}`);
    for (const m of status) {
      assert.ok(Number(m[2]!.replaceAll(',', '')) > 0, m[0]);
      assert.equal(m[3], '0', 'correct variants: no failures');
      assert.equal(m[4], '0.0');
      // Configurations not finished yet, the running one included: 2 during the first, 1 during the second, 0 once both ended.
      assert.ok(['0', '1', '2'].includes(m[5]!), m[0]);
    }
    // Throttled: consecutive lines at least ~5 s apart (whole seconds, so 4 after rounding).
    for (let i = 1; i < status.length; i++) assert.ok(Number(status[i]![1]) - Number(status[i - 1]![1]) >= 4, `${status[i - 1]![0]} / ${status[i]![0]}`);
    // Not the terminal's live line: no carriage returns or erase sequences in a log.
    assert.ok(!r.out.includes('\r') && !r.out.includes('\x1b['), 'no redraw sequences');
  });

  it('reports a --cores value above the machine\'s cores as skipped, with the reason, and runs the rest', () => {
    const cores = availableParallelism() + 1;
    const json = join(dir, 'cores.json');
    const r = stress(['run', 'counter', '--grep', '^counter/atomic/t2/', '--jitter', 'none', '--cores', `all,${cores}`, '--runs', '20', '--seed', 'cores', '--json', json]);
    assert.equal(r.code, 0, r.out + r.err);
    // Without affinity the plan gives this machine's own reason (taskset missing, or unable to set it).
    const reason = hasAffinity() ? `asks for ${cores} cores, this machine has ${availableParallelism()}` : affinityUnavailableReason();
    assert.ok(r.out.includes(`  SKIPPED  counter/atomic/t2/c-${cores}/j-none: ${reason}`), r.out);
    assert.match(r.out, /^ {2}PASS {5}counter\/atomic\/t2\/c-all\/j-none: 20 trials/m);
    const skipped = readSummary(json).configs.find((c) => c.config.cores === cores);
    assert.ok(skipped, 'the skipped configuration is in the results');
    assert.equal(skipped.status, 'skipped');
    assert.equal(skipped.skippedReason, reason);
    assert.equal(skipped.trials, 0);
  });
});

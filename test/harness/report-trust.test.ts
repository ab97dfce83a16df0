/**
 * `stress report` and `stress merge` read results files that anyone may have edited. A
 * configuration's status and a canary's verdict are therefore recomputed from its counts, never
 * taken from the file: a failing run whose stored statuses say "pass" still exits 1. Merge errors
 * show a key's control characters escaped, and a configuration listed twice in one file says so.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigRecord } from '../../harness/core/record/results-file.js';
import { stress } from '../helpers/cli.js';

const FAILS_ALWAYS = fileURLToPath(new URL('./fixtures/fails-always.js', import.meta.url));
const CONTROL_TEXT = fileURLToPath(new URL('./fixtures/control-text.js', import.meta.url));

/** The file's lines, with each config record changed by `change`. */
function rewrite(path: string, to: string, change: (r: ConfigRecord) => void): void {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out = lines.map((l) => {
    if (l === '') return l;
    const rec = JSON.parse(l) as { kind: string; exitCode?: number };
    if (rec.kind === 'config') change(rec as unknown as ConfigRecord);
    if (rec.kind === 'end') rec.exitCode = 0;
    return JSON.stringify(rec);
  });
  writeFileSync(to, out.join('\n'));
}

describe('stress report: statuses come from the counts, not the file', function () {
  this.timeout(120_000);
  let dir: string;
  let failing: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-report-trust-'));
    failing = join(dir, 'failing.jsonl');
    const r = stress(['run', FAILS_ALWAYS, '--runs', '3', '--jitter', 'none,spin-1us', '--seed', 'rt', '--reporter', `jsonl:${failing}`]);
    assert.equal(r.code, 1, r.out + r.err);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a failing run whose stored statuses say pass still reports fail and exits 1', () => {
    const forged = join(dir, 'forged-status.jsonl');
    rewrite(failing, forged, (r) => {
      r.result.status = 'pass';
      for (const i of r.result.invariants) i.status = 'pass';
    });
    const r = stress(['report', forged]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /FAIL +fails-always\/default\/t1\/c-all\/j-none/);
    assert.doesNotMatch(r.out, /PASS/);
  });

  it('a failing configuration made to look skipped (0 trials, failures kept) is not skipped: its counts are impossible, so the file is refused', () => {
    const forged = join(dir, 'forged-skip.jsonl');
    rewrite(failing, forged, (r) => {
      r.result.status = 'skipped';
      r.result.skippedReason = 'not here';
      r.result.trials = 0;
    });
    const r = stress(['report', forged]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /has 3 failed trials of 0, which no run writes; the file was edited or damaged \[ERR_RESULTS_FILE\]/);
    assert.doesNotMatch(r.out, /SKIPPED/);
  });

  it('a canary that caught nothing stays survived, whatever its stored verdict', () => {
    const forged = join(dir, 'forged-canary.jsonl');
    rewrite(failing, forged, (r) => {
      r.result.config.canary = true;
      r.result.failedTrials = 0;
      for (const i of r.result.invariants) {
        i.failures = 0;
        i.samples = [];
      }
      r.result.status = 'pass';
      r.result.canaryVerdict = 'caught';
      r.result.firstDetection = { trial: 0, ms: 1 };
    });
    const r = stress(['report', forged]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /SURVIVED/);
  });

  it('a hang or an error kept in the counts is not hidden by a stored pass', () => {
    for (const [field, status] of [['hangs', /HANG/], ['errors', /ERROR/]] as const) {
      const forged = join(dir, `forged-${field}.jsonl`);
      rewrite(failing, forged, (r) => {
        for (const i of r.result.invariants) i.failures = 0;
        // A hang is a failed trial (a count below it would be refused as impossible); an actor error is not.
        r.result.failedTrials = field === 'hangs' ? 1 : 0;
        r.result[field].count = 1;
        r.result.status = 'pass';
      });
      const r = stress(['report', forged]);
      assert.notEqual(r.code, 0, `${field}: ${r.out}${r.err}`);
      assert.match(r.out, status, field);
    }
  });

  it('a configuration listed twice in one file says so, with its key control characters escaped', () => {
    const ctl = join(dir, 'ctl.jsonl');
    const run = stress(['run', CONTROL_TEXT, '--runs', '1', '--jitter', 'none', '--seed', 'ctl', '--reporter', `jsonl:${ctl}`]);
    assert.equal(run.code, 1, run.out + run.err);
    const lines = readFileSync(ctl, 'utf8').split('\n');
    const config = lines.find((l) => l.includes('"kind":"config"'))!;
    const twice = join(dir, 'twice.jsonl');
    writeFileSync(twice, [lines[0], config, config, ...lines.slice(2)].join('\n'));
    const r = stress(['report', twice]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.ok(!r.err.includes('\u001b'), JSON.stringify(r.err));
    assert.match(r.err, /configuration control-text\/red\\x1b\[31m\/t1\/c-all\/j-none is listed twice in .*twice\.jsonl/);
    assert.doesNotMatch(r.err, /in both/);
  });
});

/**
 * shakedown/mocha as users run it: real `mocha` child processes on fixture
 * specs, serial and --parallel, read through mocha's json reporter.
 * --no-config keeps this repository's .mocharc (and its 60 s timeout) out.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const MOCHA = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.spec.js`, import.meta.url));

interface JsonTest {
  fullTitle: string;
  title: string;
  err: { message?: string };
}
interface JsonReport {
  stats: { passes: number; failures: number; pending: number };
  passes: JsonTest[];
  failures: JsonTest[];
}

function mocha(args: string[]): { code: number | null; report: JsonReport; stderr: string } {
  const r = spawnSync(process.execPath, [MOCHA, '--no-config', '--reporter', 'json', ...args], {
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, STRESS_SEED: '' },
  });
  assert.notEqual(r.signal, 'SIGTERM', 'mocha did not finish within 90 s');
  // The json reporter prints one document on stdout; anything else there is a bug.
  let report: JsonReport;
  try {
    report = JSON.parse(r.stdout) as JsonReport;
  } catch {
    assert.fail(`mocha printed no JSON report (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return { code: r.status, report, stderr: r.stderr };
}

describe('shakedown/mocha: stress.it in real mocha processes', function () {
  this.timeout(120_000);

  it('turns each invariant of a correct suite into a passing test, past mocha\'s default timeout', () => {
    const { code, report, stderr } = mocha([fixture('correct')]);
    assert.equal(code, 0, JSON.stringify(report.failures, null, 2) + stderr);
    assert.deepEqual(report.passes.map((t) => t.title).sort(), ['no actor error or worker crash', 'no hang', 'no lost update', 'outcome is not forbidden']);
    assert.ok(report.passes.every((t) => t.fullTitle.startsWith('counter keeps every update ')));
  });

  it('fails a broken variant with the failure rate, the failing trial and a replay command', () => {
    const { code, report } = mocha([fixture('canary')]);
    assert.equal(code, 2, 'two invariants fail: the count and the forbidden outcome');
    const lost = report.failures.find((t) => t.title === 'no lost update');
    assert.ok(lost, JSON.stringify(report.failures.map((t) => t.title)));
    const msg = lost.err.message ?? '';
    assert.match(msg, /"no lost update" failed in \d+ of \d+ trials \(\d[\d.]*% \[\d[\d.]*%, \d[\d.]*%\]\)/);
    assert.match(msg, /counter\/unlocked\/t2\/c-all\/j-none: (flaky|fail)/);
    assert.match(msg, /trial \d+: expected 2, observed 1/);
    assert.match(msg, /replay: npx stress replay [A-Za-z0-9_-]{40,}/);
    assert.match(msg, /seed fixture-seed: rerun with STRESS_SEED=fixture-seed/);
    assert.deepEqual(report.passes.map((t) => t.title).sort(), ['no actor error or worker crash', 'no hang']);
  });

  it('reports canaries as tests that pass when the planted bug is caught', () => {
    const { code, report } = mocha([fixture('sensitivity')]);
    assert.equal(code, 0, JSON.stringify(report.failures, null, 2));
    const titles = report.passes.map((t) => t.fullTitle);
    assert.ok(titles.includes('counter, with its canary atomic no lost update'), titles.join('\n'));
    assert.ok(titles.includes('counter, with its canary locked no lost update'));
    assert.ok(titles.some((t) => /canaries \(planted bugs the run must catch\) catches unlocked: lost update/.test(t)), titles.join('\n'));
  });

  it('works in mocha --parallel: several spec files, the same tests and verdicts', () => {
    const { code, report } = mocha(['--parallel', '--jobs', '2', fixture('correct'), fixture('canary'), fixture('sensitivity')]);
    assert.equal(code, 2, JSON.stringify(report.stats) + JSON.stringify(report.failures.map((t) => [t.fullTitle, t.err.message])));
    assert.equal(report.stats.failures, 2);
    assert.deepEqual(report.failures.map((t) => t.title).sort(), ['no lost update', 'outcome is not forbidden']);
    assert.match(report.failures.find((t) => t.title === 'no lost update')?.err.message ?? '', /replay: npx stress replay /);
    assert.equal(report.stats.passes, 4 + 2 + 9);
  });
});

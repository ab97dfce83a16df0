/**
 * Reporters are user code: one that never settles, or that rewrites what it is given, must cost
 * the run only that reporter's output, never the others' reports, the verdict or the exit code.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stress } from '../helpers/cli.js';
import type { RunSummary } from '../../harness/core/grade/results.js';

const custom = (name: string): string => fileURLToPath(new URL(`./fixtures/custom/${name}.js`, import.meta.url));
const DETERMINISTIC = fileURLToPath(new URL('../harness/fixtures/deterministic.js', import.meta.url));
/** Two configurations; "sevens" fails in some trials (flaky: exit 1), always the same ones. */
const FAILING = ['run', DETERMINISTIC, '--grep', 'sevens', '--threads', '1,2', '--jitter', 'none', '--runs', '30', '--seed', 'iso', '--schedule', 'free'];
const PASSING = ['run', DETERMINISTIC, '--grep', 'clean', '--threads', '1,2', '--jitter', 'none', '--runs', '10', '--seed', 'iso', '--schedule', 'free'];
/** Short enough for a test, long enough that a loaded machine never trips it on a healthy reporter. */
const SHORT = { STRESS_USER_CODE_TIMEOUT_MS: '1500' };

describe('reporters: isolation (a stuck or mutating reporter)', function () {
  this.timeout(120_000);

  it('a custom reporter whose finish() never settles: named on stderr, the others still write, exit 3', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iso-'));
    const json = join(dir, 'o.json');
    const stuck = custom('never-finishes');
    const r = stress([...PASSING, '--reporter', stuck, '--reporter', `json:${json}`], SHORT, 60_000);
    assert.equal(r.code, 3, `a reporter that never finishes is a harness error, not exit ${r.code}: ${r.err}`);
    assert.match(r.err, new RegExp(`error: reporter ${stuck.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} failed on finish: the call did not settle within 1\\.5 s \\(STRESS_USER_CODE_TIMEOUT_MS\\)`));
    assert.match(r.err, /the run's own verdict was exit code 0 \[ERR_HARNESS\]/);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
    assert.equal(summary.configs.length, 2, 'the json reporter, listed after it, still finished');
  });

  it('a custom reporter that never finishes and keeps the event loop alive: the process still ends, exit 3', () => {
    const r = stress([...PASSING, '--reporter', custom('never-finishes-holding-a-timer')], SHORT, 60_000);
    assert.equal(r.code, 3, `the process must end by itself (null: killed by the test's timeout): ${r.err}`);
    assert.match(r.err, /failed on finish: the call did not settle within 1\.5 s/);
    assert.match(r.err, /stress run has finished, but something it loaded .* keeps the process alive; exiting with exit code 3/);
  });

  it('a custom reporter whose onEvent never settles: fed nothing more, the run goes on, exit 3', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iso-'));
    const json = join(dir, 'o.json');
    const stuck = custom('never-settles-on-event');
    const r = stress([...PASSING, '--reporter', stuck, '--reporter', `json:${json}`], SHORT, 60_000);
    assert.equal(r.code, 3, r.err);
    assert.match(r.err, /failed on config-end: the call did not settle within 1\.5 s/);
    assert.doesNotMatch(r.err, /fed after stuck/, 'a timed-out reporter is fed nothing more');
    const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
    assert.deepEqual(summary.configs.map((c) => c.status), ['pass', 'pass'], 'both configurations ran and were reported');
  });

  it('a custom reporter factory that never returns: a usage error before any trial, exit 2', () => {
    const r = stress([...PASSING, '--reporter', custom('factory-never-returns')], SHORT, 60_000);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--reporter .*factory-never-returns\.js: the reporter factory did not return within 1\.5 s \(STRESS_USER_CODE_TIMEOUT_MS\) \[ERR_REPORTER\]/);
    assert.equal(r.out, '', 'nothing ran');
  });

  it('a custom reporter factory that never returns and keeps the event loop alive: the process still ends, exit 2', () => {
    const r = stress([...PASSING, '--reporter', custom('factory-never-returns-holding-a-timer')], SHORT, 60_000);
    assert.equal(r.code, 2, `the process must end by itself (null: killed by the test's timeout): ${r.err}`);
    assert.match(r.err, /the reporter factory did not return within 1\.5 s/);
  });

  it('a custom reporter module whose top-level await never settles: a usage error before any trial, exit 2', () => {
    const r = stress([...PASSING, '--reporter', custom('hangs-on-load')], SHORT, 60_000);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--reporter .*hangs-on-load\.js: the module did not finish loading within 1\.5 s \(STRESS_USER_CODE_TIMEOUT_MS\) \[ERR_REPORTER\]/);
    assert.equal(r.out, '', 'nothing ran');
  });

  it('rejects a bad STRESS_USER_CODE_TIMEOUT_MS with exit 2', () => {
    const r = stress([...PASSING], { STRESS_USER_CODE_TIMEOUT_MS: '5s' }, 60_000);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /STRESS_USER_CODE_TIMEOUT_MS: "5s" is not a timeout; expected a whole number of milliseconds > 0/);
  });

  it('a reporter that rewrites its events and summary changes only its own view: the others and the exit code say fail', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iso-'));
    const [own, json, xml, jsonl] = ['own.txt', 'o.json', 'o.xml', 'o.jsonl'].map((f) => join(dir, f)) as [string, string, string, string];
    // Listed first, so it sees (and rewrites) every event before the others.
    const r = stress([...FAILING, '--reporter', `${custom('mutates-results')}:${own}`, '--reporter', `json:${json}`, '--reporter', `junit:${xml}`, '--reporter', `jsonl:${jsonl}`, '--reporter', 'console']);
    assert.equal(r.code, 1, `the run's verdict stands: ${r.err}`);
    assert.equal(r.err, '', 'the mutation is no error: it changed its own copy');
    assert.match(readFileSync(own, 'utf8'), /j-none pass\n.*j-none pass\nexit 0\n$/, 'it did rewrite its own view');
    const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
    assert.equal(summary.exitCode, 1);
    assert.deepEqual(summary.configs.map((c) => c.status), ['flaky', 'flaky']);
    assert.ok(summary.configs.every((c) => c.invariants.some((i) => i.samples.length > 0)), 'samples kept');
    assert.match(readFileSync(xml, 'utf8'), /<failure[^>]*type="Flaky"/);
    const lines = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; result?: { status: string }; exitCode?: number });
    assert.deepEqual(lines.filter((l) => l.kind === 'config').map((l) => l.result!.status), ['flaky', 'flaky']);
    assert.equal(lines.at(-1)!.exitCode, 1);
    assert.match(r.out, /FLAKY\s+deterministic\/sevens/);
  });
});

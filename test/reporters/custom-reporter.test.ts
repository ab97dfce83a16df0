/** `--reporter ./my-reporter.js`: loaded before any trial; a bad module is a usage error naming what is wrong. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stress } from '../helpers/cli.js';
import { parseReporterSpec } from '../../harness/cli/reporter-spec.js';

const custom = (name: string): string => fileURLToPath(new URL(`./fixtures/custom/${name}.js`, import.meta.url));
const RUN = ['run', 'counter', '--grep', 'atomic', '--threads', '2', '--jitter', 'none', '--runs', '20', '--seed', 'c1', '--schedule', 'free'];

describe('reporters: --reporter specs and custom modules', function () {
  this.timeout(60_000);

  it('parses built-in names with targets, module paths with optional targets, and rejects unknown names', () => {
    assert.deepEqual(parseReporterSpec('console'), { kind: 'builtin', name: 'console' });
    assert.deepEqual(parseReporterSpec('junit:out/stress.xml'), { kind: 'builtin', name: 'junit', target: 'out/stress.xml' });
    assert.deepEqual(parseReporterSpec('./my-reporter.js'), { kind: 'module', path: './my-reporter.js' });
    assert.deepEqual(parseReporterSpec('/abs/r.mjs:out.txt'), { kind: 'module', path: '/abs/r.mjs', target: 'out.txt' });
    // A built-in's name and a colon is that built-in, whatever its file is called.
    assert.deepEqual(parseReporterSpec('json:/tmp/out.js'), { kind: 'builtin', name: 'json', target: '/tmp/out.js' });
    assert.deepEqual(parseReporterSpec('markdown:notes.mjs'), { kind: 'builtin', name: 'markdown', target: 'notes.mjs' });
    assert.deepEqual(parseReporterSpec('./json:x.js'), { kind: 'module', path: './json:x.js' });
    assert.throws(() => parseReporterSpec('junit'), /--reporter junit writes a file: give it one/);
    assert.throws(() => parseReporterSpec('tap'), /"tap" is not a reporter; expected one of console, json, jsonl, junit, html, markdown/);
  });

  it('runs a custom reporter next to the built-ins and gives it every configuration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custom-'));
    const r = stress([...RUN, '--reporter', `${custom('good')}:${join(dir, 'out.txt')}`, '--reporter', 'console']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /PASS\s+counter\/atomic/);
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'counter/atomic/t2/c-all/j-none pass 20\nexit 0\n');
  });

  it('isolates a reporter that throws: names it on stderr, feeds it no more, still writes the others, and exits 3', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custom-'));
    const xml = join(dir, 'stress.xml');
    const thrower = custom('throws-on-config-end');
    // Two configurations: the broken reporter is listed first and fails on the first one's config-end.
    const md = join(dir, 'summary.md');
    const json = join(dir, 'summary.json');
    const r = stress([...RUN.slice(0, 7), 'none,spin-1us', ...RUN.slice(8), '--reporter', 'console', '--reporter', thrower, '--reporter', `junit:${xml}`, '--reporter', `markdown:${md}`, '--reporter', `json:${json}`]);
    assert.equal(r.code, 3, `a failed reporter is a harness error: ${r.err}`);
    // The console's closing line (what a CI reader looks at) says the exit code the process gives.
    const closing = r.out.trimEnd().split('\n').pop()!;
    assert.match(closing, /; exit code 3 \(reporter .*throws-on-config-end\.js failed: see stderr; the trials alone gave exit code 0\)$/);
    // The step summary and the JSON agree with the job's colour too.
    assert.match(readFileSync(md, 'utf8'), /^## shakedown: ❌ a reporter failed \(exit code 3; the trials alone gave 0\)$/m);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as { exitCode: number; reportersFailed?: { names: string[]; verdictExitCode: number } };
    assert.equal(summary.exitCode, 3);
    assert.equal(summary.reportersFailed?.verdictExitCode, 0);
    const lines = r.err.split('\n').filter((l) => l.startsWith('error: reporter'));
    assert.deepEqual(lines, [`error: reporter ${thrower} failed on config-end: planted reporter bug at counter/atomic/t2/c-all/j-none`], 'once: not fed again');
    assert.match(r.err, /reporter .*throws-on-config-end\.js failed \(see above\).*the run's own verdict was exit code 0 \[ERR_HARNESS\]/);
    const text = readFileSync(xml, 'utf8');
    assert.match(text, /<testsuite name="counter\/atomic\/t2\/c-all\/j-none"/);
    assert.match(text, /<testsuite name="counter\/atomic\/t2\/c-all\/j-spin-1us"/);
    assert.match(text, /<\/testsuites>\s*$/, 'complete');
    const wellFormed = spawnSync('xmllint', ['--noout', xml], { encoding: 'utf8', timeout: 20_000 });
    assert.ok(wellFormed.error !== undefined || wellFormed.status === 0, wellFormed.stderr);
  });

  it('rejects a module that is missing, fails to load, has no default export, or returns the wrong shape: exit 2, before any trial', () => {
    const cases: Array<[string, RegExp]> = [
      ['./no-such-reporter.js', /--reporter \.\/no-such-reporter\.js: no such file \[ERR_REPORTER\]/],
      [custom('throws-on-load'), /cannot load the module: broken reporter module \[ERR_REPORTER\]/],
      [custom('no-default'), /expected a default export that is a function \(target, ctx\) => reporter, got no default export/],
      [custom('wrong-shape'), /must return an object with onEvent\(event\) and\/or finish\(summary\) methods/],
    ];
    for (const [spec, message] of cases) {
      const r = stress([...RUN, '--reporter', spec]);
      assert.equal(r.code, 2, `${spec}: ${r.err}`);
      assert.match(r.err, message);
      assert.equal(r.out, '', 'nothing ran: no run-start line');
    }
  });

  it('documents --reporter, --shard, report and merge in --help', () => {
    const run = stress(['run', '--help']);
    assert.match(run.out, /--reporter R/);
    assert.match(run.out, /--shard i\/n/);
    assert.match(run.out, /--junit-flaky MODE/);
    for (const cmd of ['report', 'merge']) {
      const r = stress([cmd, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`^stress ${cmd} `));
    }
    assert.match(stress(['--help']).out, /stress merge A\.jsonl B\.jsonl/);
  });

  it('exits 2 on a bad --junit-flaky or --shard before running', () => {
    const a = stress([...RUN, '--junit-flaky', 'sometimes']);
    assert.equal(a.code, 2);
    assert.match(a.err, /--junit-flaky: "sometimes" is not a flaky encoding; expected one of failure, surefire, repeat/);
    const b = stress([...RUN, '--shard', '4/3']);
    assert.equal(b.code, 2);
    assert.match(b.err, /--shard: "4\/3" is not a shard/);
  });
});

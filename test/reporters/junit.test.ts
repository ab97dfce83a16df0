/**
 * JUnit XML: names, types, properties, the three flaky encodings, the
 * extensions (hostname, timestamp with offset, flakyFailure), and validity
 * against the Jenkins/Ant schema and a Surefire-style schema with xmllint.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jrb from 'junit-report-builder';
import { junitReporter } from '../../reporters/junit/junit-reporter.js';
import { renderJunit } from '../../reporters/junit/junit-xml.js';
import type { ConfigResult, RunSummary } from '../../harness/core/grade/results.js';
import { memoryContext } from './fixtures/memory-context.js';
import { HOSTILE, mixedSummary } from './fixtures/summaries.js';
import { hasTool, skipLoudly } from '../helpers/tools.js';

const SCHEMAS = fileURLToPath(new URL('../../../test/fixtures/schemas/', import.meta.url));

async function junit(summary: RunSummary, flaky?: string): Promise<string> {
  const ctx = memoryContext(flaky ? { 'junit.flaky': flaky } : {});
  const r = junitReporter('out/stress.xml', ctx);
  await r.onEvent?.({ type: 'run-start', seed: summary.seed, configs: summary.configs.map((c) => c.config), plan: summary.configs.map((c) => c.config.key), settings: { timeoutMs: 1000, traceEvents: 48, runs: 100 }, startedAt: summary.startedAt });
  await r.finish?.(summary);
  assert.deepEqual([...ctx.files.keys()], ['out/stress.xml'], 'one file, through the atomic writer');
  return ctx.files.get('out/stress.xml')!;
}

/** [name, body] of each testcase, in order (good enough for our own output: names never contain a raw quote). */
function testcases(xml: string): Array<{ name: string; body: string }> {
  return [...xml.matchAll(/<testcase [^>]*?\sname="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({ name: m[1]!, body: m[2] ?? '' }));
}

/**
 * The two attributes real consumers read that the Jenkins/Ant xsd (an old dtkit schema) does not
 * declare: `file` on <testcase> (jest-junit and vitest write it; GitLab and the GitHub annotation
 * actions read it) and `message` on <skipped> (Jenkins' own parser reads it). Removed before a
 * validation against that schema, after checking each is written in its one allowed form.
 */
function withoutKnownExtensions(xml: string): string {
  return xml.replace(/ file="[^"]*"/g, '').replace(/<skipped message="[^"]*"\/>/g, '<skipped/>');
}

function xmllint(xml: string, schema: string): { ok: boolean; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'junit-'));
  const file = join(dir, 'report.xml');
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--schema', join(SCHEMAS, schema), file], { encoding: 'utf8', timeout: 20_000 });
  return { ok: r.status === 0, out: r.stderr };
}

describe('reporters/junit', function () {
  this.timeout(30_000);

  it('names each testcase <configuration key>: <invariant>, unique across the file', async () => {
    const names = testcases(await junit(mixedSummary())).map((t) => t.name);
    assert.equal(new Set(names).size, names.length, `duplicates: ${names.join(' | ')}`);
    assert.ok(names.includes('counter/locked/t2/c-all/j-none: no lost update'));
    assert.ok(names.includes('counter/locked/t2/c-all/j-none: no harness error'));
    assert.ok(names.includes('deadlock/opposite-order: canary caught'));
  });

  it('types failures: flaky, invariant violated, hang/deadlock, harness error, canary survived', async () => {
    const xml = await junit(mixedSummary());
    const byName = new Map(testcases(xml).map((t) => [t.name, t.body]));
    assert.match(byName.get('counter/racy/t2/c-all/j-spin-1us: no lost update')!, /<failure message="no lost update: flaky, failed in 7 of 100 trials[^"]*" type="Flaky">/);
    assert.match(byName.get('queue/lost-wakeup/t2/c-all/j-none: no hang')!, /type="HangOrDeadlock"[\s\S]*t0 waits for A held by t1/);
    assert.match(byName.get('queue/throws/t2/c-all/j-none: no harness error')!, /<error message="10 errors; trial 0, thread 1: TypeError: [^"]*" type="HarnessError">/);
    assert.match(byName.get('deadlock/opposite-order: canary caught')!, /type="CanarySurvived"/);
    // A canary's own failing invariant is expected: no failure element, the detection in system-out.
    const canaryCase = byName.get('counter/unlocked/t2/c-all/j-none: no lost update')!;
    assert.doesNotMatch(canaryCase, /<failure/);
    assert.match(canaryCase, /<system-out>[\s\S]*canary, failure expected/);
    // The body carries the details, the trace and the replay command.
    const body = byName.get('counter/racy/t2/c-all/j-spin-1us: no lost update')!;
    assert.match(body, /trial 3: expected 2, observed 1/);
    assert.match(body, /replay: npx stress replay [A-Za-z0-9_-]+/);
    assert.match(body, /trace of trial 3:[\s\S]*lock\.acquire/);
  });

  it('puts the configuration in testsuite properties, and hostname, id, package and a timestamp with offset on the testsuite', async () => {
    const xml = await junit(mixedSummary());
    const suite = /<testsuite name="counter\/racy\/t2\/c-all\/j-spin-1us"([^>]*)>([\s\S]*?)<\/testsuite>/.exec(xml);
    assert.ok(suite, xml.slice(0, 500));
    assert.match(suite[1]!, /timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d"/);
    assert.match(suite[1]!, /hostname="test-host" id="1" package="counter"/);
    const props: Record<string, string> = Object.fromEntries([...suite[2]!.matchAll(/<property name="([^"]*)" value="([^"]*)"\/>/g)].map((m) => [m[1]!, m[2]!]));
    assert.equal(props.seed, 'fixture-seed');
    assert.equal(props.threads, '2');
    assert.equal(props.cores, 'all');
    assert.equal(props.jitter, 'spin-1us');
    assert.equal(props.trials, '100');
    assert.equal(props.failures, '7');
    assert.equal(props.rate, '0.07');
    assert.match(props.interval ?? '', /^\[\d/);
    assert.equal(props.implementation, 'file:///tmp/counter.js', 'no implementation module: the suite module is what is tested');
    assert.equal(props['suite module'], 'file:///tmp/counter.js');
    assert.match(props.replay ?? '', /^npx stress replay /);
    assert.match(props.rerun ?? '', /^npx stress run \/tmp\/counter\.js --threads 2 --cores all --jitter spin-1us --grep .* --seed fixture-seed --runs 100/);
  });

  it('escapes user text, drops characters XML forbids, and survives "]]>" twice in one CDATA body', async function () {
    const xml = await junit(mixedSummary());
    // Markup-like text is fine inside CDATA (it is text there); everywhere else it must be escaped.
    const outsideCdata = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
    assert.ok(!outsideCdata.includes('<script>'), 'no raw markup from names or details');
    assert.ok(!xml.includes('\u0001'), 'no control characters');
    assert.ok(xml.includes('&lt;script&gt;') || xml.includes('&lt;script>'), 'the text survives, escaped');
    assert.ok(HOSTILE.includes(']]>'));
    if (!hasTool('xmllint')) return skipLoudly(this, 'xmllint', 'apt-get install libxml2-utils');
    const dir = mkdtempSync(join(tmpdir(), 'junit-'));
    writeFileSync(join(dir, 'r.xml'), xml);
    const r = spawnSync('xmllint', ['--noout', join(dir, 'r.xml')], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, `well-formed: ${r.stderr}`);
  });

  it('keeps $\', $& and $` in user text literally: names and the run name are never replacement patterns', async function () {
    const summary = mixedSummary();
    summary.seed = "seed $' $& $`";
    const xml = await junit(summary);
    // The hostile suite name, as xmlAttr writes it: the text after ]]> survives unchanged.
    assert.ok(xml.includes("]]&gt; $' $&amp; $` "), 'the replacement patterns are kept as text');
    assert.match(xml, /<testsuites name="shakedown seed seed \$' \$&amp; \$`" time="/);
    assert.equal((xml.match(/<\/testsuites>/g) ?? []).length, 1, 'one document: no copy of its tail spliced in by $\'');
    assert.equal((xml.match(/<testsuite /g) ?? []).length, summary.configs.length + 2, 'a testsuite per configuration and per canary');
    if (!hasTool('xmllint')) return skipLoudly(this, 'xmllint', 'apt-get install libxml2-utils');
    const r = xmllint(withoutKnownExtensions(xml), 'jenkins-junit.xsd');
    assert.ok(r.ok, r.out);
  });

  it('throws an internal error when junit-report-builder no longer writes what it extends', () => {
    const lib = jrb as unknown as { newBuilder: () => { build: () => string } };
    const original = lib.newBuilder;
    // A later library version that no longer writes `skipped` on <testsuites>.
    lib.newBuilder = function (this: unknown) {
      const b = original.call(this);
      const build = b.build.bind(b);
      b.build = () => build().replace(/(<testsuites[^>]*?) skipped="\d+"/, '$1');
      return b;
    };
    try {
      assert.throws(
        () => renderJunit([{ name: 'a/b/t2/c-all/j-none', package: 'a', timeSec: 1, properties: [], cases: [{ classname: 'a', name: 'a: x', timeSec: 1 }] }], { name: 'run', hostname: 'h', timestamp: '2024-05-01T12:00:00+00:00', wallTimeSec: 1 }),
        (e: Error & { code?: string }) => e.code === 'ERR_HARNESS' && /internal error: junit-report-builder's output no longer has <testsuites> with a skipped count/.test(e.message),
      );
    } finally {
      lib.newBuilder = original;
    }
  });

  it('names the implementation under test: the --impl module and its name, the suite module apart', async () => {
    const summary = mixedSummary();
    const base = summary.configs[0]!;
    const config = {
      ...base.config,
      key: 'conformance/lock/my-lock/t2/c-all/j-none',
      suite: 'conformance/lock',
      suiteUrl: 'file:///opt/shakedown/dist/suites/conformance/lock.js',
      variant: 'my-lock',
      impl: 'my-lock',
      params: { impl: 'file:///work/my-lock.js', iterations: 50 },
    };
    summary.configs = [{ ...base, config }];
    const xml = await junit(summary);
    const props: Record<string, string> = Object.fromEntries([...xml.matchAll(/<property name="([^"]*)" value="([^"]*)"\/>/g)].map((m) => [m[1]!, m[2]!]));
    assert.equal(props.implementation, 'my-lock (file:///work/my-lock.js)');
    assert.equal(props['suite module'], 'file:///opt/shakedown/dist/suites/conformance/lock.js');
    // The variant exists only with --impl: the rerun command gives it again (params.impl comes with it).
    assert.match(props.rerun ?? '', /^npx stress run conformance\/lock --threads 2 .* --impl lock=\/work\/my-lock\.js --param iterations=50$/);
    assert.doesNotMatch(props.rerun ?? '', /--param impl=/);
  });

  it('stamps each testsuite with the hostname of the machine that ran it (merged shards), else its own', async () => {
    const summary = mixedSummary();
    const hosted = (r: ConfigResult, hostname: string): ConfigResult => ({ ...r, hostname });
    summary.configs = summary.configs.map((r, i) => (i === 0 ? r : hosted(r, i % 2 === 0 ? 'shard-a' : 'shard-b')));
    const xml = await junit(summary);
    const hostOf = (name: string): string | undefined => new RegExp(`<testsuite name="${name.replace(/[[\]/.]/g, '\\$&')}"[^>]* hostname="([^"]*)"`).exec(xml)?.[1];
    assert.equal(hostOf('counter/locked/t2/c-all/j-none'), 'test-host', 'no hostname of its own: the reporter\'s');
    assert.equal(hostOf('counter/racy/t2/c-all/j-spin-1us'), 'shard-b');
    assert.equal(hostOf('queue/lost-wakeup/t2/c-all/j-none'), 'shard-b');
    assert.equal(hostOf('queue/throws/t2/c-all/j-none'), 'shard-a');
    // A canary testsuite spans configurations: the first one's machine.
    assert.equal(hostOf('counter/unlocked [canary]'), 'shard-a');
  });

  it('flaky as surefire: the testcase passes and carries <flakyFailure> with type, message and stackTrace', async () => {
    const xml = await junit(mixedSummary(), 'surefire');
    const body = new Map(testcases(xml).map((t) => [t.name, t.body])).get('counter/racy/t2/c-all/j-spin-1us: no lost update')!;
    assert.doesNotMatch(body, /<failure/);
    assert.match(body, /<flakyFailure message="no lost update: flaky[^"]*" type="Flaky"><stackTrace>[\s\S]*replay: npx stress replay/);
    // Failing (not flaky) invariants stay failures.
    assert.match(xml, /type="InvariantViolated"/);
  });

  it('flaky as repeat: the same testcase twice, failed first (GitLab keeps the first), then passed', async () => {
    const cases = testcases(await junit(mixedSummary(), 'repeat')).filter((t) => t.name === 'counter/racy/t2/c-all/j-spin-1us: no lost update');
    assert.equal(cases.length, 2);
    assert.match(cases[0]!.body, /<failure [^>]*type="Flaky"/);
    assert.equal(cases[1]!.body, '');
  });

  it('validates against the Jenkins/Ant JUnit schema (failure and repeat encodings)', async function () {
    if (!hasTool('xmllint')) return skipLoudly(this, 'xmllint', 'apt-get install libxml2-utils');
    for (const mode of ['failure', 'repeat']) {
      const r = xmllint(withoutKnownExtensions(await junit(mixedSummary(), mode)), 'jenkins-junit.xsd');
      assert.ok(r.ok, `${mode}: ${r.out}`);
    }
  });

  it('validates each testsuite against the Surefire-style schema (surefire encoding)', async function () {
    if (!hasTool('xmllint')) return skipLoudly(this, 'xmllint', 'apt-get install libxml2-utils');
    const xml = await junit(mixedSummary(), 'surefire');
    // Surefire writes one <testsuite> per file: check each as its own document.
    const suites = [...xml.matchAll(/<testsuite [\s\S]*?<\/testsuite>/g)].map((m) => m[0]);
    assert.ok(suites.length >= 8);
    for (const s of suites) {
      const r = xmllint(withoutKnownExtensions(`<?xml version="1.0" encoding="UTF-8"?>\n${s}`), 'surefire-style-test-report.xsd');
      assert.ok(r.ok, r.out);
    }
    assert.ok(suites.some((s) => s.includes('<flakyFailure')), 'the schema saw a flakyFailure');
  });

  it('reads as consumers count it: tests, failures, errors, skipped per testsuite and in total', async function () {
    if (!hasTool('xmllint')) return skipLoudly(this, 'xmllint', 'apt-get install libxml2-utils');
    const dir = mkdtempSync(join(tmpdir(), 'junit-'));
    const file = join(dir, 'r.xml');
    writeFileSync(file, await junit(mixedSummary()));
    const count = (xpath: string): number => Number(spawnSync('xmllint', ['--xpath', xpath, file], { encoding: 'utf8', timeout: 20_000 }).stdout);
    assert.equal(count('count(//testcase[failure])'), 4, 'flaky, violated, hang and canary survived are failures');
    assert.equal(count('count(//testcase[error])'), 1);
    assert.equal(count('count(//testcase[skipped])'), 1);
    assert.equal(count('sum(//testsuite/@failures)'), count('count(//testcase[failure])'));
    assert.equal(count('sum(//testsuite/@tests)'), count('count(//testcase)'));
  });

  it('a skipped configuration has the testcases a run would have, each <skipped message> with the reason; every testcase names its suite file; <testsuites time> is the wall time', async () => {
    const summary = mixedSummary();
    const skipped = summary.configs.find((r) => r.status === 'skipped')!;
    skipped.skippedInvariants = ['no lost update', 'no hang'];
    const xml = await junit(summary);
    const ran = testcases(xml).filter((c) => c.name.startsWith('counter/locked/t2/c-all/j-none: ')).map((c) => c.name.slice('counter/locked/t2/c-all/j-none: '.length));
    const skippedCases = testcases(xml).filter((c) => c.name.startsWith('counter/locked/t2/c-1/j-none: '));
    assert.deepEqual(skippedCases.map((c) => c.name.slice('counter/locked/t2/c-1/j-none: '.length)), ran, 'the same invariant testcases as where it ran');
    for (const c of skippedCases) assert.match(c.body, /^\s*<skipped message="CPU affinity is not available here"\/>\s*$/);
    // Results files written before the names were kept: one testcase, skipped with its reason.
    delete skipped.skippedInvariants;
    const old = testcases(await junit(summary)).filter((c) => c.name.startsWith('counter/locked/t2/c-1/j-none'));
    assert.deepEqual(old.map((c) => c.name), ['counter/locked/t2/c-1/j-none: skipped']);
    assert.match(old[0]!.body, /<skipped message="CPU affinity is not available here"\/>/);
    // The fixture's suite module is a file URL: the attribute is that file (relative to the working directory when under it).
    // Every testcase but the two canary verdicts (they span configurations); counted as attributes, since a hostile name may hold a '>'.
    assert.equal((xml.match(/ file="/g) ?? []).length, (xml.match(/<testcase /g) ?? []).length - 2, 'every configuration testcase has a file');
    assert.match(xml, /<testcase classname="counter" name="counter\/locked\/t2\/c-all\/j-none: no hang" time="[\d.]+" file="\/tmp\/counter.js"/);
    assert.match(xml, /<testsuites name="[^"]*" time="4.321"/, 'the run took 4,321 ms: the sum of the configurations would be more');
  });

  it("a suite file whose path holds '>', '<', '&' or quotes: the file attribute is escaped and the document stays well-formed", async function () {
    const summary = mixedSummary();
    for (const r of summary.configs) r.config.suiteUrl = 'file:///tmp/gt>dir/<a&b>"q".js';
    const skipped = summary.configs.find((r) => r.status === 'skipped')!;
    skipped.skippedInvariants = ['no lost update', 'no hang'];
    for (const mode of ['failure', 'surefire', 'repeat']) {
      const xml = await junit(summary, mode);
      assert.ok(xml.includes('file="/tmp/gt&gt;dir/&lt;a&amp;b&gt;&quot;q&quot;.js"'), mode);
      assert.ok(!xml.includes('shakedown-'), `${mode}: no marker left`);
      if (!hasTool('xmllint')) return skipLoudly(this, 'xmllint', 'apt-get install libxml2-utils');
      const dir = mkdtempSync(join(tmpdir(), 'junit-'));
      writeFileSync(join(dir, 'r.xml'), xml);
      const r = spawnSync('xmllint', ['--noout', join(dir, 'r.xml')], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 0, `${mode}: well-formed: ${r.stderr}`);
    }
  });
});

/**
 * JunitSuite[] -> XML, built with junit-report-builder and extended where it
 * falls short, without touching its internals: the builder writes the
 * document with unique marker names on the elements to extend, then each
 * marker attribute is replaced by the real, escaped attributes and children.
 * Added: testsuite `hostname`, `id`, `package` and a timestamp with its UTC
 * offset (the builder writes local time without one), Surefire's
 * `<flakyFailure>`, and a `message` on `<skipped>` (the reason). Markers carry a random nonce, so no user text can forge one.
 * Every replacement goes through a replacer function: with a string, `$'`,
 * `$&` or `` $` `` in user text would be read as a replacement pattern.
 */
import { randomBytes } from 'node:crypto';
import { HarnessError } from '../../harness/core/shared/errors.js';
import jrb from 'junit-report-builder';
import type { Builder, TestCase } from 'junit-report-builder';
import type { JunitCase, JunitSuite } from './junit-model.js';
import { cdataSafe, xmlAttr, xmlSafe, xmlText } from './xml-text.js';

export interface JunitMeta {
  /** The run's name on <testsuites>. */
  name: string;
  /** For testsuites that do not carry their own (a live run: this machine). */
  hostname: string;
  /** ISO 8601 with offset (reporters/timestamp.ts). */
  timestamp: string;
  /** The run's wall time (a merge: its slowest shard's), for <testsuites time>; each testsuite keeps its configuration's own. */
  wallTimeSec: number;
}

// The package's types declare an ES default export, but under Node's ESM the
// default import of this CommonJS module is module.exports: the builder itself.
const builder = jrb as unknown as Builder;

/** Surefire's time pattern allows at most three decimals. */
const seconds = (s: number): number => Math.round(s * 1000) / 1000;

export function renderJunit(suites: JunitSuite[], meta: JunitMeta): string {
  const nonce = randomBytes(8).toString('hex');
  const b = builder.newBuilder();
  const suiteAttrs = new Map<string, string>();
  const flaky = new Map<string, { name: string; children: string }>();
  const skipped = new Map<string, { name: string; message: string }>();
  suites.forEach((s, i) => {
    const marker = `shakedown-${nonce}-suite-${i}`;
    suiteAttrs.set(
      marker,
      `name="${xmlAttr(s.name)}" timestamp="${xmlAttr(meta.timestamp)}" hostname="${xmlAttr(s.hostname ?? meta.hostname)}" id="${i}" package="${xmlAttr(s.package)}"`,
    );
    const ts = b.testSuite().name(marker).time(seconds(s.timeSec));
    for (const [k, v] of s.properties) ts.property(xmlSafe(k), xmlSafe(v));
    s.cases.forEach((c, j) => {
      let name = xmlSafe(c.name);
      if (c.flakyFailures !== undefined && c.flakyFailures.length > 0) {
        name = `shakedown-${nonce}-case-${i}-${j}`;
        flaky.set(name, { name: c.name, children: c.flakyFailures.map(flakyFailureXml).join('') });
      } else if (c.skipped !== undefined) {
        name = `shakedown-${nonce}-case-${i}-${j}`;
        skipped.set(name, { name: c.name, message: c.skipped });
      }
      const tc = ts.testCase().className(xmlSafe(c.classname)).name(name).time(seconds(c.timeSec));
      if (c.file !== undefined) tc.file(xmlSafe(c.file));
      addResult(tc, c);
    });
  });
  let xml = b.build();
  // The root: the Jenkins schema has no `skipped` on <testsuites> (the builder writes one); name the run
  // and give its wall time (the testsuites' times add up to more: shards and --jobs groups run side by side).
  xml = replaceOnce(xml, /<testsuites([^<>]*?) skipped="\d+"([^<>]*)>/, (_m, before: string, after: string) => `<testsuites name="${xmlAttr(meta.name)}" time="${seconds(meta.wallTimeSec)}"${before}${after}>`, '<testsuites> with a skipped count');
  for (const [marker, attrs] of suiteAttrs) xml = replaceOnce(xml, `name="${marker}"`, () => attrs, 'a testsuite marker');
  for (const [marker, f] of flaky) {
    // After the marker only the builder's own numeric attributes follow, so [^<>]* cannot run into user text.
    xml = replaceOnce(xml, new RegExp(`name="${marker}"([^<>]*?)(/?)>`), (_m, rest: string, selfClosing: string) =>
      `name="${xmlAttr(f.name)}"${rest}>${f.children}${selfClosing === '/' ? '</testcase>' : ''}`,
    'a testcase marker');
  }
  for (const [marker, c] of skipped) {
    // The builder's <skipped/> takes no message: the reason goes in as its attribute. Between the
    // marker and <skipped/> only the builder's own attributes and whitespace can come.
    xml = replaceOnce(xml, new RegExp(`name="${marker}"([^<>]*?)>(\\s*)<skipped/>`), (_m, rest: string, space: string) =>
      `name="${xmlAttr(c.name)}"${rest}>${space}<skipped message="${xmlAttr(c.message)}"/>`,
    'a skipped testcase marker');
  }
  return xml;
}

/**
 * One rewrite of the builder's output. If junit-report-builder ever writes a
 * different shape, the pattern stops matching: fail loudly rather than write
 * a report without its hostname, timestamp or flaky failures.
 */
function replaceOnce(xml: string, pattern: string | RegExp, replacer: (match: string, ...groups: string[]) => string, what: string): string {
  const found = typeof pattern === 'string' ? xml.includes(pattern) : pattern.test(xml);
  if (!found) {
    throw new HarnessError('ERR_HARNESS', `internal error: junit-report-builder's output no longer has ${what} where the JUnit reporter extends it (library version changed?)`);
  }
  return xml.replace(pattern, replacer);
}

function addResult(tc: TestCase, c: JunitCase): void {
  if (c.failure) tc.failure(xmlSafe(c.failure.message), c.failure.type).stacktrace(cdataSafe(c.failure.body));
  if (c.error) tc.error(xmlSafe(c.error.message), c.error.type, cdataSafe(c.error.body));
  if (c.skipped !== undefined) tc.skipped();
  if (c.systemOut !== undefined) tc.standardOutput(cdataSafe(c.systemOut));
}

function flakyFailureXml(f: { type: string; message: string; body: string }): string {
  return `<flakyFailure message="${xmlAttr(f.message)}" type="${xmlAttr(f.type)}"><stackTrace>${xmlText(f.body)}</stackTrace></flakyFailure>`;
}

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
  const suiteAttrs: string[] = [];
  /** What each marked testcase gets back: its name, its file, and a flaky failure's or a skip's extra XML. */
  const cases = new Map<string, { name: string; file?: string; flakyChildren?: string; skipped?: string }>();
  suites.forEach((s, i) => {
    suiteAttrs.push(`name="${xmlAttr(s.name)}" timestamp="${xmlAttr(meta.timestamp)}" hostname="${xmlAttr(s.hostname ?? meta.hostname)}" id="${i}" package="${xmlAttr(s.package)}"`);
    const ts = b.testSuite().name(`shakedown-${nonce}-suite-${i}`).time(seconds(s.timeSec));
    for (const [k, v] of s.properties) ts.property(xmlSafe(k), xmlSafe(v));
    s.cases.forEach((c, j) => {
      let name = xmlSafe(c.name);
      const flakyChildren = c.flakyFailures !== undefined && c.flakyFailures.length > 0 ? c.flakyFailures.map(flakyFailureXml).join('') : undefined;
      // Marked where we write attributes or children ourselves. The file goes in here too, escaped by
      // xmlAttr: the builder leaves '>' raw in attributes, which a path may hold.
      if (flakyChildren !== undefined || c.skipped !== undefined || c.file !== undefined) {
        const marker = `shakedown-${nonce}-case-${i}-${j}`;
        cases.set(marker, { name: c.name, ...(c.file !== undefined ? { file: c.file } : {}), ...(flakyChildren !== undefined ? { flakyChildren } : c.skipped !== undefined ? { skipped: c.skipped } : {}) });
        name = marker;
      }
      const tc = ts.testCase().className(xmlSafe(c.classname)).name(name).time(seconds(c.timeSec));
      addResult(tc, c);
    });
  });
  let xml = b.build();
  // The root: the Jenkins schema has no `skipped` on <testsuites> (the builder writes one); name the run
  // and give its wall time (the testsuites' times add up to more: shards and --jobs groups run side by side).
  xml = replaceOnce(xml, /<testsuites([^<>]*?) skipped="\d+"([^<>]*)>/, (_m, before: string, after: string) => `<testsuites name="${xmlAttr(meta.name)}" time="${seconds(meta.wallTimeSec)}"${before}${after}>`, '<testsuites> with a skipped count');
  // One pass per kind of marker, whatever their number (a pass per marker was quadratic: 20,000 skipped testcases took minutes).
  let suitesDone = 0;
  xml = xml.replace(new RegExp(`name="shakedown-${nonce}-suite-(\\d+)"`, 'g'), (_m, i: string) => {
    suitesDone++;
    return suiteAttrs[Number(i)]!;
  });
  let casesDone = 0;
  // After a case marker only the builder's own numeric attributes follow (time), so [^<>]* cannot run into user text.
  xml = xml.replace(new RegExp(`name="(shakedown-${nonce}-case-\\d+-\\d+)"([^<>]*?)(/?)>(\\s*<skipped/>)?`, 'g'), (_m, marker: string, rest: string, selfClosing: string, skippedTag: string | undefined) => {
    const c = cases.get(marker)!;
    casesDone++;
    const head = `name="${xmlAttr(c.name)}"${rest}${c.file !== undefined ? ` file="${xmlAttr(c.file)}"` : ''}`;
    if (c.flakyChildren !== undefined) return `${head}>${c.flakyChildren}${selfClosing === '/' ? '</testcase>' : ''}`;
    // The builder's <skipped/> takes no message: the reason goes in as its attribute.
    const skip = skippedTag !== undefined ? skippedTag.replace('<skipped/>', c.skipped !== undefined ? `<skipped message="${xmlAttr(c.skipped)}"/>` : '<skipped/>') : '';
    return `${head}${selfClosing}>${skip}`;
  });
  // If junit-report-builder ever writes a different shape, fail loudly rather than write a report missing what we add.
  if (suitesDone !== suiteAttrs.length || casesDone !== cases.size) {
    throw new HarnessError('ERR_HARNESS', `internal error: junit-report-builder's output no longer has the testsuite and testcase markers where the JUnit reporter extends it (library version changed?)`);
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

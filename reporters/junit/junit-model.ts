/**
 * Results -> the JUnit document, as plain data: one testsuite per
 * configuration (its settings as properties), one testcase per invariant
 * (plus "no harness error"), and one testsuite per canary variant whose
 * testcase fails when the canary survived the whole matrix.
 *
 * Testcase names are `<configuration key>: <invariant>`: unique across the
 * file and stable across runs and machines (a skipped configuration has the
 * same testcases, skipped), because GitLab stores one test case per name and
 * status, and CI history is keyed by name.
 */
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HARNESS_ERROR_INVARIANT } from '../../harness/core/grade/grade.js';
import { hostnameOf } from '../../harness/core/record/merge.js';
import type { ConfigResult, Configuration, RunSummary } from '../../harness/core/grade/results.js';
import type { RunSettings } from '../../harness/core/settings/run-options.js';
import { counted, formatRate } from '../words.js';
import { canaryVerdicts } from '../../harness/core/grade/verdict.js';
import { type Finding, canaryFinding, errorFinding, invariantFinding } from '../findings.js';
import { rerunCommand } from '../rerun.js';

/** How a flaky invariant (failed in some trials, not all) is written; consumers disagree. */
export type FlakyEncoding = 'failure' | 'surefire' | 'repeat';

export interface JunitCase {
  classname: string;
  name: string;
  timeSec: number;
  failure?: Finding;
  error?: Finding;
  /** Surefire encoding: the case passes and carries <flakyFailure> elements. */
  flakyFailures?: Finding[];
  /** Skipped, with this reason (`<skipped message>`). */
  skipped?: string;
  /** The suite module's file (jest-junit and vitest write one: annotations find the file). */
  file?: string;
  systemOut?: string;
}

export interface JunitSuite {
  name: string;
  /** The suite module's name; JUnit's `package`. */
  package: string;
  /** The machine that ran it, when known (merged shards); else the reporter's own. */
  hostname?: string;
  timeSec: number;
  properties: Array<[string, string]>;
  cases: JunitCase[];
}

export const HARNESS_CASE = HARNESS_ERROR_INVARIANT;

export function junitModel(summary: RunSummary, settings: RunSettings | undefined, flaky: FlakyEncoding): JunitSuite[] {
  const suites = summary.configs.map((r) => configSuite(r, summary, settings, flaky));
  for (const v of canaryVerdicts(summary.configs)) {
    const id = `${v.suite}/${v.variant}`;
    const finding = canaryFinding(v);
    const c: JunitCase = { classname: v.suite, name: `${id}: canary caught`, timeSec: 0 };
    // A canary is judged over configurations that merged shards may have run on several machines: the first one's.
    const host = summary.configs.filter((r) => r.config.suite === v.suite && r.config.variant === v.variant).map(hostnameOf).find((h) => h !== undefined);
    if (finding) c.failure = finding;
    else c.systemOut = `caught in ${v.caughtIn} of ${v.ran} configurations, ${formatRate(v.failedTrials, v.trials)} of ${counted(v.trials, 'trial')}${v.bug ? `\nplanted bug: ${v.bug}` : ''}`;
    suites.push({
      name: `${id} [canary]`,
      package: v.suite,
      ...(host !== undefined ? { hostname: host } : {}),
      timeSec: 0,
      properties: [['seed', summary.seed], ['canary', 'true'], ['bug', v.bug ?? ''], ['configurations', String(v.ran)], ['trials', String(v.trials)], ['failures', String(v.failedTrials)]],
      cases: [c],
    });
  }
  return suites;
}

function configSuite(r: ConfigResult, summary: RunSummary, settings: RunSettings | undefined, flaky: FlakyEncoding): JunitSuite {
  const c = r.config;
  const timeSec = r.durationMs / 1000;
  const [lo, hi] = formatInterval(r);
  const replay = [...r.invariants.flatMap((i) => i.samples), ...r.errors.samples][0]?.replay;
  const properties: Array<[string, string]> = [
    ['seed', c.seed],
    ['suite', c.suite],
    ['variant', c.variant],
    ['implementation', implementationUnderTest(c)],
    ['suite module', c.suiteUrl],
    ['params', JSON.stringify(c.params)],
    ['threads', String(c.threads)],
    ['cores', String(c.cores)],
    ['jitter', c.jitter],
    ['canary', String(c.canary)],
    ...(c.bug !== undefined ? [['bug', c.bug] as [string, string]] : []),
    ['status', r.status],
    ['trials', String(r.trials)],
    ['failures', String(r.failedTrials)],
    ['rate', r.trials === 0 ? 'n/a' : String(r.failedTrials / r.trials)],
    ['interval', `[${lo}, ${hi}]`],
    ...(r.stoppedAtFailures !== undefined ? [['stopped at failures', String(r.stoppedAtFailures)] as [string, string]] : []),
    ...(r.slice !== undefined ? [['trial slice', `${r.slice.index}/${r.slice.total} from trial ${r.slice.firstTrial}`] as [string, string]] : []),
    ...(r.stoppedAtRecoveries !== undefined ? [['stopped at hangs or crashes', String(r.stoppedAtRecoveries)] as [string, string]] : []),
    ...(r.notControlled !== undefined ? [['not run controlled', `trial ${r.notControlled.trial}: ${r.notControlled.reason}`] as [string, string]] : []),
    ...(settings?.runs !== undefined ? [['runs', String(settings.runs)] as [string, string]] : []),
    ...(settings?.timeoutMs !== undefined ? [['timeout ms', String(settings.timeoutMs)] as [string, string]] : []),
    ...(summary.shard ? [['shard', `${summary.shard.index}/${summary.shard.total}`] as [string, string]] : []),
    ['rerun', rerunCommand(c, settings)],
    ...(replay !== undefined ? [['replay', `npx stress replay ${replay}`] as [string, string]] : []),
  ];
  const host = hostnameOf(r);
  const suite: JunitSuite = { name: c.key, package: c.suite, ...(host !== undefined ? { hostname: host } : {}), timeSec, properties, cases: [] };
  const file = suiteFile(c.suiteUrl);
  if (r.status === 'skipped') {
    // The same testcases as where it runs, each skipped with the reason: CI history keyed by name
    // does not break between a 2-core and a 64-core runner. (Results files from before 0.1 have no
    // names: one testcase then.)
    const reason = r.skippedReason ?? 'skipped';
    const names = r.skippedInvariants ?? (r.invariants.length > 0 ? r.invariants.map((i) => i.name) : undefined);
    if (names === undefined) {
      suite.cases.push({ classname: c.suite, name: `${c.key}: skipped`, file, timeSec: 0, skipped: reason });
      return suite;
    }
    for (const n of [...names, HARNESS_CASE]) suite.cases.push({ classname: c.suite, name: `${c.key}: ${n}`, file, timeSec: 0, skipped: reason });
    return suite;
  }
  const per = timeSec / (r.invariants.length + 1);
  for (const inv of r.invariants) {
    const name = `${c.key}: ${inv.name}`;
    const f = invariantFinding(r, inv);
    if (f === null) {
      suite.cases.push({ classname: c.suite, name, file, timeSec: per });
    } else if (c.canary) {
      // A canary's invariant is expected to fail: the verdict is its own testcase (see junitModel).
      suite.cases.push({ classname: c.suite, name, file, timeSec: per, systemOut: `canary, failure expected:\n${f.body}` });
    } else if (f.flaky && flaky === 'surefire') {
      suite.cases.push({ classname: c.suite, name, file, timeSec: per, flakyFailures: [f] });
    } else if (f.flaky && flaky === 'repeat') {
      // The same testcase twice with different results: how EnricoMi's action and Prow read flakiness.
      suite.cases.push({ classname: c.suite, name, file, timeSec: per, failure: f });
      suite.cases.push({ classname: c.suite, name, file, timeSec: 0 });
    } else {
      suite.cases.push({ classname: c.suite, name, file, timeSec: per, failure: f });
    }
  }
  const e = errorFinding(r);
  suite.cases.push({ classname: c.suite, name: `${c.key}: ${HARNESS_CASE}`, file, timeSec: per, ...(e ? { error: e } : {}) });
  return suite;
}

/**
 * What is being tested: for a conformance suite the implementation module
 * (`--impl lock=./my-lock.js`, or the variant's own, in params.impl) and its
 * name; for any other suite, the suite module itself.
 */
function implementationUnderTest(c: Configuration): string {
  const url = typeof c.params.impl === 'string' ? c.params.impl : undefined;
  if (c.impl !== undefined && url !== undefined) return `${c.impl} (${url})`;
  return c.impl ?? url ?? c.suiteUrl;
}

/** The suite module as a path relative to the working directory when under it (how annotations find it), else as given. */
function suiteFile(url: string): string {
  if (!url.startsWith('file:')) return url;
  try {
    const path = fileURLToPath(url);
    const rel = relative(process.cwd(), path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  } catch {
    return url;
  }
}

function formatInterval(r: ConfigResult): [string, string] {
  if (r.trials === 0) return ['0', '1'];
  const text = formatRate(r.failedTrials, r.trials);
  const m = /\[(.*), (.*)\]/.exec(text);
  return [m?.[1] ?? '?', m?.[2] ?? '?'];
}

/**
 * From `--reporter` specs to live reporters: built-ins by name, custom ones
 * by module path. Everything is loaded and checked before any trial runs: a
 * module that fails to load or has the wrong shape, a report path that cannot
 * be written, or a results file another run is writing is a usage error
 * (exit 2). While the run goes, each reporter is isolated: one that throws, or
 * does not settle within its deadline, is named on stderr and fed no more, the
 * others go on, and the run ends as a harness error (exit 3) once they have
 * all finished. Reporters are handed copies of the run's events, never the
 * run's own objects (reporter-view.ts).
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { HarnessError, thrownMessage } from '../core/shared/errors.js';
import { showValue } from '../core/shared/safe-value.js';
import type { RunEvent } from '../core/events.js';
import type { RunSummary } from '../core/grade/results.js';
import { toolVersion } from '../core/shared/version.js';
import { writeFileAtomic } from './atomic-write.js';
import { openDurableAppend } from './durable-append.js';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type ReporterSpec, specLabel, specOrigin } from './reporter-spec.js';
import { checkReportPath, FILE_REPORTERS, type FileReporter, type InputFile, refuseReportsOverInputs, refuseSharedReportFiles, type ReportFile } from './report-paths.js';
import { claimFile } from './file-claim.js';
import { copyForReporter } from './reporter-view.js';
import { EXIT } from '../core/grade/verdict.js';
import { DeadlineMissed, userCodeTimeoutMs, withDeadline, within } from '../core/shared/deadline.js';
import type { ReporterContext, ReporterFactory } from '../../reporters/reporter.js';
import { consoleReporter } from '../../reporters/console-reporter.js';
import { jsonReporter } from '../../reporters/json.js';
import { jsonlReporter } from '../../reporters/jsonl.js';
import { junitReporter } from '../../reporters/junit/junit-reporter.js';
import { htmlReporter } from '../../reporters/html/html-reporter.js';
import { markdownReporter } from '../../reporters/markdown-reporter.js';
import { githubSummaryReporter } from '../../reporters/github-summary.js';

const BUILTIN: Record<string, ReporterFactory> = {
  console: consoleReporter,
  json: jsonReporter,
  jsonl: jsonlReporter,
  junit: junitReporter,
  html: htmlReporter,
  markdown: markdownReporter,
};

export function cliReporterContext(options: Record<string, string>): ReporterContext {
  return {
    out: {
      write: (text) => void process.stdout.write(text),
      isTTY: process.stdout.isTTY === true,
      columns: process.stdout.columns,
    },
    // `-` is standard output (json, jsonl, markdown): written as it comes, not through a file.
    writeFile: (path, data) => (path === STDOUT ? void process.stdout.write(data) : writeFileAtomic(path, data)),
    openAppend: (path) => (path === STDOUT ? { append: (text) => void process.stdout.write(text), close: () => {} } : openDurableAppend(path)),
    appendFile(path, data) {
      mkdirSync(dirname(resolve(path)), { recursive: true });
      appendFileSync(path, data);
    },
    env: process.env,
    hostname: hostname(),
    toolVersion: toolVersion(),
    now: () => new Date(),
    options,
  };
}

/** A reporter's methods as plain functions of our own, bound to the reporter's object. */
export interface ReporterCalls {
  readonly onEvent?: (event: RunEvent) => void | Promise<void>;
  readonly finish?: (summary: RunSummary) => void | Promise<void>;
}

/** A live reporter, named as the user gave it, and whether it has failed (then it is fed nothing more). */
export interface LiveReporter {
  name: string;
  /** Its methods, read once when it was made (see methodsOf). */
  reporter: ReporterCalls;
  /** Built-ins share one frozen copy of each event; a custom reporter gets its own copy. */
  builtin: boolean;
  /** How long each of its calls may take to settle. */
  timeoutMs: number;
  failed: boolean;
  /** What it threw, for --verbose. */
  error?: unknown;
  /** Frees what it holds for the run (the claim on a results file), once it has finished. */
  release?: () => void;
}

/** The target that means standard output, as in most CLIs. */
export const STDOUT = '-';
/** The reporters whose output is a stream that can go to standard output. */
const STDOUT_CAPABLE = ['json', 'jsonl', 'markdown'];

/** Whether this reporter writes to standard output: the console, markdown without a file, or any `:-`. */
export function writesStdout(spec: ReporterSpec): boolean {
  if (spec.kind !== 'builtin') return spec.target === STDOUT;
  return spec.name === 'console' || (spec.name === 'markdown' && (spec.target === undefined || spec.target === '')) || spec.target === STDOUT;
}

/** `-` only where the output is a stream, and one writer of standard output at a time (two would interleave). */
function checkStdoutUse(list: ReporterSpec[]): void {
  for (const spec of list) {
    if (spec.kind === 'builtin' && spec.target === STDOUT && !STDOUT_CAPABLE.includes(spec.name)) {
      throw new HarnessError('ERR_USAGE', `${specLabel(spec)}: ${spec.name} writes a file; "-" (standard output) is for ${STDOUT_CAPABLE.join(', ')}`);
    }
  }
  // The console and markdown-to-the-terminal share it as before (markdown comes after the summary); a
  // `-` stream (json, jsonl, markdown:-) is for a program to read: nothing else may write there.
  const writers = list.filter(writesStdout);
  const names = writers.map((w) => (w.kind === 'builtin' ? (w.target !== undefined ? `${w.name}:${w.target}` : w.name) : `${w.path}:${w.target}`));
  // The same one twice (`--reporter console --reporter console`) printed everything twice.
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new HarnessError('ERR_USAGE', `${specOrigin(writers[0]!)}: ${twice} is given twice; give it once`);
  if (writers.length > 1 && writers.some((w) => w.target === STDOUT)) {
    throw new HarnessError('ERR_USAGE', `${specOrigin(writers[0]!)}: ${names.join(' and ')} would all write to standard output, interleaved; give all but one a file`);
  }
}

/** Default: the console alone. $GITHUB_STEP_SUMMARY set: also the Markdown summary appended there. */
/** `inputs`: the files the command reads, which no report may be written over. */
export async function createReporters(specs: ReporterSpec[], ctx: ReporterContext, inputs: readonly InputFile[] = []): Promise<LiveReporter[]> {
  const list: ReporterSpec[] = specs.length > 0 ? specs : [{ kind: 'builtin', name: 'console' }];
  checkStdoutUse(list);
  const timeoutMs = userCodeTimeoutMs(ctx.env);
  const reportFiles = list.flatMap((spec) => fileOf(spec) ?? []);
  refuseSharedReportFiles(reportFiles);
  refuseReportsOverInputs(reportFiles, inputs);
  const out: LiveReporter[] = [];
  for (const spec of list) {
    const name = spec.kind === 'builtin' ? spec.name : spec.path;
    const live = { name: spec.target !== undefined ? `${name}:${spec.target}` : name, builtin: spec.kind === 'builtin', timeoutMs, failed: false };
    if (spec.kind === 'builtin') {
      const release = preflight(spec);
      const reporter = methodsOf(await BUILTIN[spec.name]!(spec.target, ctx), (why) => new HarnessError('ERR_HARNESS', `reporter ${spec.name}: ${why}`));
      out.push({ ...live, reporter, ...(release ? { release } : {}) });
    } else {
      out.push({ ...live, reporter: await loadModuleReporter(spec, ctx, timeoutMs) });
    }
  }
  if (ctx.env.GITHUB_STEP_SUMMARY) out.push({ name: 'github step summary', reporter: methodsOf(githubSummaryReporter(undefined, ctx), (why) => new HarnessError('ERR_HARNESS', `github step summary: ${why}`)), builtin: true, timeoutMs, failed: false });
  return out;
}

/** A built-in's report file, named as the user gave it (`--json "o.json"`, `--reporter junit:o.xml`); undefined when it writes none. */
function fileOf(spec: ReporterSpec): (ReportFile & { kind: FileReporter }) | undefined {
  if (spec.kind !== 'builtin') return undefined;
  const kind = FILE_REPORTERS[spec.name];
  const target = spec.target;
  if (kind === undefined || target === undefined || (target === '' && spec.name === 'markdown') || target === STDOUT) return undefined;
  const label = spec.flag !== undefined ? `${spec.flag} ${JSON.stringify(target)}` : specLabel(spec);
  return { label, path: target, kind };
}

/**
 * A built-in's file, checked before the run: it can be written, and (jsonl, appended to as the
 * run goes) no other run is writing it. Returns what frees the file's claim.
 */
function preflight(spec: ReporterSpec & { kind: 'builtin' }): (() => void) | undefined {
  const file = fileOf(spec);
  if (file === undefined) return undefined;
  checkReportPath(file.label, file.path, file.kind);
  if (!file.kind.inPlace) return undefined;
  const claim = claimFile(file.label, file.path);
  return () => claim.release();
}

async function loadModuleReporter(spec: ReporterSpec & { kind: 'module' }, ctx: ReporterContext, timeoutMs: number): Promise<ReporterCalls> {
  const { path, target } = spec;
  const abs = resolve(path);
  const fail = (why: string, cause?: unknown): HarnessError =>
    new HarnessError('ERR_REPORTER', `${specOrigin(spec)} ${path}: ${why}`, cause === undefined ? undefined : { cause });
  if (!existsSync(abs)) throw fail('no such file');
  let mod: { default?: unknown };
  try {
    // A top-level await that never settles would otherwise let the process exit 0 here.
    mod = (await withDeadline(import(pathToFileURL(abs).href), timeoutMs, 'the module')) as { default?: unknown };
  } catch (err) {
    if (err instanceof DeadlineMissed) throw fail(`the module did not finish loading ${within(timeoutMs)}`, err);
    throw fail(`cannot load the module: ${thrownMessage(err)}`, err);
  }
  if (typeof mod.default !== 'function') {
    throw fail(`expected a default export that is a function (target, ctx) => reporter, got ${mod.default === undefined ? 'no default export' : typeof mod.default}`);
  }
  let reporter: unknown;
  try {
    reporter = await withDeadline((mod.default as ReporterFactory)(target, ctx), timeoutMs, 'the reporter factory');
  } catch (err) {
    if (err instanceof DeadlineMissed) throw fail(`the reporter factory did not return ${within(timeoutMs)}`, err);
    throw fail(`the reporter factory threw: ${thrownMessage(err)}`, err);
  }
  return methodsOf(reporter, fail);
}

/**
 * The reporter's onEvent and finish, each read once, here, into a plain object of our own: a
 * getter or Proxy trap that throws (anything, even undefined) is a reporter that cannot be read,
 * a usage error naming it, found before any trial runs; and the run never reads the user's object
 * again, so no getter can throw (or change its answer) while the run goes. The methods are called
 * with the user's object as `this`, as the user wrote them.
 */
function methodsOf(reporter: unknown, fail: (why: string, cause?: unknown) => HarnessError): ReporterCalls {
  const expected = 'the factory must return an object with onEvent(event) and/or finish(summary) methods';
  if (typeof reporter !== 'object' || reporter === null) throw fail(`${expected}, got ${showValue(reporter, 200)}`);
  let onEvent: unknown;
  let finish: unknown;
  try {
    onEvent = Reflect.get(reporter, 'onEvent');
    finish = Reflect.get(reporter, 'finish');
  } catch (err) {
    throw fail(`cannot read the reporter's onEvent or finish (a getter or Proxy trap threw): ${thrownMessage(err)}`, err);
  }
  const shapeOk =
    (onEvent === undefined || typeof onEvent === 'function') &&
    (finish === undefined || typeof finish === 'function') &&
    (typeof onEvent === 'function' || typeof finish === 'function');
  if (!shapeOk) throw fail(`${expected}, got onEvent: ${typeof onEvent}, finish: ${typeof finish}`);
  return Object.freeze({
    ...(typeof onEvent === 'function' ? { onEvent: (event: RunEvent) => Reflect.apply(onEvent, reporter, [event]) as void | Promise<void> } : {}),
    ...(typeof finish === 'function' ? { finish: (summary: RunSummary) => Reflect.apply(finish, reporter, [summary]) as void | Promise<void> } : {}),
  });
}

/**
 * A reporter's own view of an event or the summary: the built-ins' shared frozen copy (made once,
 * on first use), or a private copy for a custom reporter. Never the run's object.
 */
function viewsOf<T>(value: T): (r: LiveReporter) => T {
  let shared: T | undefined;
  return (r) => (r.builtin ? (shared ??= copyForReporter(value, true)) : copyForReporter(value, false));
}

/** Hands each event to every reporter, in the order given; async reporters are awaited so files are written in order. */
export async function dispatch(reporters: LiveReporter[], event: RunEvent): Promise<void> {
  const view = viewsOf(event);
  for (const r of reporters) {
    const onEvent = r.reporter.onEvent;
    if (onEvent !== undefined) await guarded(r, event.type, () => onEvent(view(r)));
  }
}

/** Finishes every reporter that has not failed; then, if any failed, the run is a harness error (exit 3). */
export async function finishAll(reporters: LiveReporter[], summary: RunSummary): Promise<void> {
  // Custom reporters first (the likeliest to fail), the console last: its closing line is the one a
  // CI reader looks at. Every reporter that finishes after one failed is told (reportersFailed) and
  // given exit code 3, as the process will exit, not the trials' code: the Markdown step summary
  // and the JSON then agree with the job's colour.
  const order = (r: LiveReporter): number => (!r.builtin ? 0 : r.name === 'console' ? 2 : 1);
  const view = viewsOf(summary);
  for (const r of [...reporters].sort((a, b) => order(a) - order(b))) {
    const finish = r.reporter.finish;
    const failedSoFar = reporters.filter((x) => x.failed).map((x) => x.name);
    const given = failedSoFar.length > 0 ? { ...summary, exitCode: EXIT.HARNESS, reportersFailed: { names: failedSoFar, verdictExitCode: summary.exitCode } } : undefined;
    if (finish !== undefined) await guarded(r, 'finish', () => finish(given !== undefined ? copyForReporter(given, r.builtin) : view(r)));
    r.release?.();
  }
  const failed = reporters.filter((r) => r.failed);
  if (failed.length > 0) {
    const names = failed.map((r) => r.name);
    const err = new HarnessError(
      'ERR_HARNESS',
      `reporter${names.length > 1 ? 's' : ''} ${names.join(', ')} failed (see above), so ${names.length > 1 ? 'their' : 'its'} output is missing or incomplete; the other reporters finished, and the run's own verdict was exit code ${summary.exitCode}`,
    );
    // --verbose prints this error's stack: make it the reporters' own, where the bug is.
    err.stack = failed.map((r) => `reporter ${r.name}: ${stackOf(r.error)}`).join('\n');
    throw err;
  }
}

/** What a reporter threw, with its stack when it has one; never throws (a stack getter may). */
function stackOf(thrown: unknown): string {
  try {
    const stack: unknown = thrown instanceof Error ? thrown.stack : undefined;
    if (typeof stack === 'string') return stack;
  } catch {
    // Unreadable: its message, in words, stands in.
  }
  return thrownMessage(thrown);
}

/**
 * One reporter call. A reporter is user code (or writes files that can fail):
 * its error must not cost the run the other reporters' output, so it is
 * reported, and that reporter, whose state is now unknown, is fed no more.
 * A call that returns a promise gets a deadline: one that never settles is
 * failed like one that throws (and must not let the process exit with no verdict).
 */
async function guarded(r: LiveReporter, what: string, call: () => void | Promise<void> | undefined): Promise<void> {
  if (r.failed) return;
  try {
    const pending = call();
    if (pending !== undefined && pending !== null && typeof (pending as { then?: unknown }).then === 'function') await withDeadline(pending, r.timeoutMs, 'the call');
  } catch (err) {
    r.failed = true;
    r.error = err;
    process.stderr.write(`error: reporter ${r.name} failed on ${what}: ${thrownMessage(err)}\n`);
  }
}

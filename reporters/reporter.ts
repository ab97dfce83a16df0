/**
 * What a reporter is: a small consumer of the run's event stream. It holds
 * no global state (every instance keeps its own), never opens files or the
 * terminal by itself, and writes only through the context the CLI gives it,
 * so the same reporter serves `stress run`, `stress report` and `stress merge`.
 *
 * A custom reporter is an ES module whose default export is a ReporterFactory:
 *   export default (target, ctx) => ({ onEvent(e) { ... }, async finish(summary) { ... } });
 */
import type { RunEvent } from '../harness/core/events.js';
import type { RunSettings } from '../harness/core/settings/run-options.js';
import type { RunSummary } from '../harness/core/grade/results.js';

export interface Reporter {
  /**
   * Every event of the run, in order (`stress report`/`merge` replay run-start, config-end and run-end).
   * Each reporter gets its own copy of the event (and of the summary in finish). A returned promise
   * must settle within the reporter deadline (30 s, STRESS_USER_CODE_TIMEOUT_MS), else the reporter fails.
   */
  onEvent?(event: RunEvent): void | Promise<void>;
  /** Once, after run-end: write the final output. Not called when the run died of a harness error. */
  finish?(summary: RunSummary): void | Promise<void>;
}

/** Text for the terminal; the CLI decides where it goes. */
export interface TextOut {
  write(text: string): void;
  readonly isTTY: boolean;
  readonly columns: number | undefined;
}

/** A file opened for durable appends: each append is written and flushed to disk before it returns. */
export interface AppendFile {
  append(text: string): void;
  close(): void;
}

export interface ReporterContext {
  out: TextOut;
  /** Writes a whole file atomically (temp file in the same directory, then rename). */
  writeFile(path: string, data: string): void;
  /** Creates (truncates) a file for durable appends. (The CLI claims a jsonl file for its run before the run starts: see harness/cli/file-claim.ts.) */
  openAppend(path: string): AppendFile;
  /** Appends to an existing file (or creates it), e.g. $GITHUB_STEP_SUMMARY. */
  appendFile(path: string, data: string): void;
  env: Readonly<Record<string, string | undefined>>;
  hostname: string;
  /** shakedown's version, recorded in result files. */
  toolVersion: string;
  /** Wall clock, for timestamps (injectable in tests). */
  now(): Date;
  /** `--reporter-option key=value` pairs (and `--junit-flaky` as `junit.flaky`). */
  options: Readonly<Record<string, string>>;
}

export type ReporterFactory = (target: string | undefined, ctx: ReporterContext) => Reporter | Promise<Reporter>;

/** The run settings as far as reporters know them (from run-start, or a result file's header). */
export type { RunSettings };

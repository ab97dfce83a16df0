/**
 * Report paths are checked before the run starts, so a path that cannot be written is found
 * before the time budget is spent, not when the reporter writes it at the end. Each check names the
 * reporter and the path; all are usage errors (exit 2). The parent directory is created here (as
 * the reporters would), and proved writable by creating and removing a probe file in it.
 * Custom reporters get no check: their target is theirs to interpret.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, rmSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { HarnessError } from '../core/shared/errors.js';
import { realPathOf } from './real-path.js';

/** The built-in reporters whose target is a file path, and whether they write it in place (appends) rather than by rename. */
export const FILE_REPORTERS: Readonly<Record<string, FileReporter>> = {
  json: { ext: 'json', inPlace: false },
  jsonl: { ext: 'jsonl', inPlace: true },
  junit: { ext: 'xml', inPlace: false },
  html: { ext: 'html', inPlace: false },
  // Without a file, markdown writes to the terminal: then there is nothing to check.
  markdown: { ext: 'md', inPlace: false },
};

export interface FileReporter {
  /** For the example in messages. */
  ext: string;
  /** Opened and appended to (jsonl), so an existing file must be writable; the others replace it by rename. */
  inPlace: boolean;
}

/**
 * Throws ERR_REPORTER unless `path` can be written as a report by the reporter `label` (as the
 * user gave it: `--json` or `--reporter junit:FILE`).
 */
export function checkReportPath(label: string, path: string, { ext, inPlace }: FileReporter): void {
  const fail = (why: string, cause?: unknown): HarnessError =>
    new HarnessError('ERR_REPORTER', `${label}: ${why}; nothing was run`, cause === undefined ? undefined : { cause });
  if (path.trim() === '') throw fail(`the report path is empty; expected a file path such as out/stress.${ext}`);
  if (/[/\\]$/.test(path)) throw fail(`${JSON.stringify(path)} ends in a slash, so it names a directory; expected a file path such as ${path}stress.${ext}`);
  const abs = resolve(path);
  const existing = statOrUndefined(abs);
  if (existing?.isDirectory() === true) throw fail(`${JSON.stringify(path)} is a directory; expected a file path inside it or elsewhere`);
  if (existing !== undefined && !existing.isFile()) throw fail(`${JSON.stringify(path)} exists and is not a regular file (a device, pipe or socket); expected a file path`);
  const dir = dirname(abs);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fail(`cannot create the directory ${JSON.stringify(dir)} for ${JSON.stringify(path)}: ${(err as Error).message}`, err);
  }
  const probe = join(dir, `.stress-probe-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  try {
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (err) {
    throw fail(`cannot write in the directory ${JSON.stringify(dir)} for ${JSON.stringify(path)}: ${(err as Error).message}`, err);
  }
  if (inPlace && existing !== undefined) {
    try {
      accessSync(abs, constants.W_OK);
    } catch (err) {
      throw fail(`${JSON.stringify(path)} exists and cannot be written: ${(err as Error).message}`, err);
    }
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** A built-in reporter's report file: the reporter as the user named it, and the path as given. */
export interface ReportFile {
  label: string;
  path: string;
}

/**
 * Throws ERR_REPORTER when two reporters would write one file: the same path given twice, another
 * spelling of it, or a symlink to it, by the same kind of reporter or by two kinds (`--json X`
 * with `--reporter jsonl:X`). One report would silently overwrite (or splice into) the other.
 */
export function refuseSharedReportFiles(files: readonly ReportFile[]): void {
  const seen = new Map<string, ReportFile>();
  for (const file of files) {
    // An empty path is refused on its own by checkReportPath, with a better message.
    if (file.path.trim() === '') continue;
    const real = realPathOf(file.path);
    const id = fileIdentity(file.path);
    const first = seen.get(real) ?? (id !== undefined ? seen.get(id) : undefined);
    if (first !== undefined) {
      throw new HarnessError(
        'ERR_REPORTER',
        `${file.label}: ${JSON.stringify(file.path)} is given twice in this run; give each reporter its own file (${first.label} and ${file.label} both write ${JSON.stringify(real)}, and one report would overwrite the other); nothing was run`,
      );
    }
    seen.set(real, file);
    if (id !== undefined) seen.set(id, file);
  }
}

/**
 * An existing file's device and inode: two hard links of one file have different real paths but
 * one identity (and jsonl, which appends in place, would write into the other name's file).
 * Undefined when there is no file yet. Keyed apart from paths (no path starts with "inode:").
 */
function fileIdentity(path: string): string | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? `inode:${st.dev}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/** A file this command reads (a results file given to merge or report, a suite module, the config file). */
export interface InputFile {
  /** What it is, for the message: `the results file`, `the suite module`. */
  what: string;
  path: string;
  /** A directory of inputs: no report may be written anywhere inside it (shakedown's own suites). */
  directory?: true;
}

/**
 * Throws ERR_REPORTER when a report would be written over a file this command reads: `stress merge
 * s1.jsonl s2.jsonl --reporter jsonl:s1.jsonl` would replace a shard's results with the merge (lost
 * for good, and the next merge refused), and `--reporter json:./my-suite.js` the suite itself.
 * Compared as real paths (another spelling or a symlink is the same file).
 */
export function refuseReportsOverInputs(files: readonly ReportFile[], inputs: readonly InputFile[]): void {
  const read = new Map<string, InputFile>();
  const directories = inputs.filter((i) => i.directory === true).map((i) => ({ input: i, real: realPathOf(i.path) }));
  for (const input of inputs) {
    if (input.directory === true) continue;
    read.set(realPathOf(input.path), input);
    const id = fileIdentity(input.path);
    if (id !== undefined) read.set(id, input);
  }
  for (const file of files) {
    if (file.path.trim() === '') continue;
    const id = fileIdentity(file.path);
    const real = realPathOf(file.path);
    const inside = directories.find((d) => real.startsWith(d.real.endsWith(sep) ? d.real : d.real + sep));
    if (inside !== undefined) {
      throw new HarnessError(
        'ERR_REPORTER',
        `${file.label}: ${JSON.stringify(file.path)} is inside ${inside.input.what} ${JSON.stringify(inside.input.path)}; writing a report there would replace shakedown's own code. Give the report a file elsewhere; nothing was run`,
      );
    }
    const input = read.get(real) ?? (id !== undefined ? read.get(id) : undefined);
    if (input !== undefined) {
      throw new HarnessError(
        'ERR_REPORTER',
        `${file.label}: ${JSON.stringify(file.path)} is ${input.what} ${JSON.stringify(input.path)}, which this command reads; writing the report there would destroy it. Give the report another file; nothing was run`,
      );
    }
  }
}

/**
 * The JSON-lines results file: its records, and reading one back. Written by
 * reporters/jsonl.ts; read by `stress report` and `stress merge`.
 */
import { readFileSync } from 'node:fs';
import { HarnessError } from './errors.js';
import type { ConfigResult, RunSummary } from './results.js';
import type { RunSettings } from './run.js';

/** Bumped when a record changes incompatibly. */
export const RESULTS_FORMAT = 1;

export interface HeaderRecord {
  kind: 'shakedown-run';
  format: number;
  tool: string;
  seed: string;
  startedAt: string;
  /** Every configuration key of the unsharded plan, in plan order. */
  plan: string[];
  settings: RunSettings;
  /** The machine that ran it (absent in files older than the field). */
  hostname?: string;
  /** A soak run (`--duration`): its results are totals over passes. */
  soak?: boolean;
}

export interface ConfigRecord {
  kind: 'config';
  /** Position of this configuration in the unsharded plan. */
  planIndex: number;
  result: ConfigResult;
}

export interface EndRecord {
  kind: 'end';
  durationMs: number;
  interrupted: boolean;
  exitCode: number;
  /** As RunSummary.stoppedEarly (e.g. --fail-fast): absent in older files. */
  stoppedEarly?: RunSummary['stoppedEarly'];
}

export interface ResultsFile {
  path: string;
  header: HeaderRecord;
  configs: ConfigRecord[];
  /** Missing when the run was killed before it ended: the configurations it finished are all here. */
  end?: EndRecord;
  /** A last line cut short by a kill, dropped. */
  truncatedTail: boolean;
}

function bad(path: string, message: string): HarnessError {
  return new HarnessError('ERR_RESULTS_FILE', `${path}: ${message}`);
}

export function readResultsFile(path: string): ResultsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw bad(path, `cannot read results file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const lines = text.split('\n');
  // A run killed mid-write can leave a last line without its newline: drop it, keep the rest.
  const tail = lines.pop() ?? '';
  const truncatedTail = tail.trim() !== '';
  const records: unknown[] = lines.map((l, i) => {
    try {
      return JSON.parse(l) as unknown;
    } catch {
      throw bad(path, `line ${i + 1} is not JSON: not a results file written by --reporter jsonl?`);
    }
  });
  const header = records[0] as Partial<HeaderRecord> | undefined;
  if (header?.kind !== 'shakedown-run' || typeof header.seed !== 'string' || !Array.isArray(header.plan)) {
    throw bad(path, 'the first line does not identify a shakedown run (expected a file written by --reporter jsonl)');
  }
  if (header.format !== RESULTS_FORMAT) throw bad(path, `results format ${String(header.format)} is not supported (this version reads ${RESULTS_FORMAT})`);
  const out: ResultsFile = { path, header: header as HeaderRecord, configs: [], truncatedTail };
  for (const [i, r] of records.slice(1).entries()) {
    const rec = r as { kind?: string };
    if (rec.kind === 'config') out.configs.push(r as ConfigRecord);
    else if (rec.kind === 'end') out.end = r as EndRecord;
    else throw bad(path, `line ${i + 2}: unknown record kind ${JSON.stringify(rec.kind)}`);
  }
  return out;
}

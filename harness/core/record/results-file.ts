/**
 * The JSON-lines results file: its records, and reading one back. Written by
 * reporters/jsonl.ts; read by `stress report` and `stress merge`.
 */
import { readFileSync } from 'node:fs';
import { HarnessError } from '../shared/errors.js';
import { regraded } from '../grade/status-rule.js';
import { visible } from '../shared/control-chars.js';
import type { ConfigResult, RunSummary } from '../grade/results.js';
import type { RunSettings } from '../settings/run-options.js';
import { MAX_SHARDS } from '../plan/shard.js';

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

function isShard(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const { index, total } = v as { index?: unknown; total?: unknown };
  return Number.isInteger(index) && Number.isInteger(total) && (index as number) >= 1 && (index as number) <= (total as number) && (total as number) <= MAX_SHARDS;
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
  // A shard field decides whether canaries are judged: anything but a well-formed i/n is refused, not read as "a shard".
  const settings = (header as { settings?: unknown }).settings;
  if (typeof settings !== 'object' || settings === null) throw bad(path, 'the header has no settings object');
  const shard = (settings as { shard?: unknown }).shard;
  if (shard !== undefined && !isShard(shard)) throw bad(path, `the header's shard ${visible(JSON.stringify(shard) ?? typeof shard)} is not {"index": i, "total": n} with 1 <= i <= n <= ${MAX_SHARDS}`);
  const out: ResultsFile = { path, header: header as HeaderRecord, configs: [], truncatedTail };
  for (const [i, r] of records.slice(1).entries()) {
    const rec = r as { kind?: string };
    if (rec.kind === 'config') out.configs.push(configRecord(path, i + 2, r as ConfigRecord));
    else if (rec.kind === 'end') out.end = r as EndRecord;
    else throw bad(path, `line ${i + 2}: unknown record kind ${visible(JSON.stringify(rec.kind) ?? 'none')}`);
  }
  return out;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A configuration record checked for the counts its status is computed from, and regraded: the
 * status and canary verdict stored in the file are not trusted (status-rule.ts).
 */
function configRecord(path: string, line: number, rec: ConfigRecord): ConfigRecord {
  const malformed = (what: string): HarnessError => bad(path, `line ${line}: configuration record has ${what}; not a file written by --reporter jsonl?`);
  const r = rec.result as unknown;
  if (!isObject(r) || !isObject(r.config) || typeof r.config.key !== 'string') throw malformed('no result with a configuration key');
  if (!Number.isSafeInteger(rec.planIndex) || rec.planIndex < 0) throw malformed('no plan index');
  if (!isCount(r.trials) || !isCount(r.failedTrials)) throw malformed('no trial counts');
  if (!Array.isArray(r.invariants) || !r.invariants.every((i: unknown) => isObject(i) && typeof i.name === 'string' && isCount(i.failures) && Array.isArray(i.samples))) {
    throw malformed('invariants without names, failure counts or samples');
  }
  for (const k of ['hangs', 'errors'] as const) {
    const v = r[k];
    if (!isObject(v) || !isCount(v.count) || !Array.isArray(v.samples)) throw malformed(`no ${k} count`);
  }
  if (!Array.isArray(r.outcomes)) throw malformed('no outcomes list');
  // Counts that no run can produce: every failure of an invariant (a hang too) is a failed trial,
  // and a failed trial is a trial. Regraded as they stand they gave rates over 100% and NaN intervals.
  const impossible = (what: string): HarnessError => bad(path, `line ${line}: configuration record ${visible((r.config as { key: string }).key)} has ${what}, which no run writes; the file was edited or damaged`);
  if (r.failedTrials > r.trials) throw impossible(`${r.failedTrials} failed trials of ${r.trials}`);
  for (const i of r.invariants as Array<{ name: string; failures: number }>) {
    if (i.failures > r.failedTrials) throw impossible(`${i.failures} failures of invariant ${visible(JSON.stringify(i.name))} but ${r.failedTrials} failed trials`);
  }
  const hangs = (r.hangs as { count: number }).count;
  if (hangs > r.failedTrials) throw impossible(`${hangs} hangs but ${r.failedTrials} failed trials`);
  return { ...rec, result: regraded(rec.result) };
}

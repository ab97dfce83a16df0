/**
 * Combining results files: the shards of one run (same seed, same plan,
 * same tool version, same trial settings, both soak or neither, the same
 * parameters and implementation per suite variant, disjoint, all present)
 * become one summary (a configuration whose trials were sliced across shards
 * is added back up from its slices), the same one an unsharded run would have produced, with
 * its verdict recomputed over the whole matrix (canaries are judged across
 * every shard). Each configuration keeps the hostname of the machine that ran it.
 */
import { HarnessError } from '../shared/errors.js';
import type { HeaderRecord, ResultsFile } from './results-file.js';
import type { ConfigResult, RunSummary } from '../grade/results.js';
import type { RunSettings } from '../settings/run-options.js';
import { type Shard, formatShard } from '../plan/shard.js';
import { exitCodeFor } from '../grade/verdict.js';
import { joinSlices } from './slice-merge.js';
import { regraded } from '../grade/status-rule.js';
import { visible } from '../shared/control-chars.js';
import { basename } from 'node:path';
import type { Params } from '../../suite-api.js';

export interface MergedRun {
  seed: string;
  plan: string[];
  settings: RunSettings;
  startedAt: string;
  summary: RunSummary;
  /** Things worth telling the user that do not stop the merge (a shard that was killed). */
  warnings: string[];
}

/** The machine that ran a configuration, when a merged results file recorded it. */
export function hostnameOf(r: ConfigResult): string | undefined {
  return typeof r.hostname === 'string' && r.hostname !== '' ? r.hostname : undefined;
}

/** Keys, seeds and paths in a message come from the files: their control characters are shown, never sent. */
function fail(message: string): HarnessError {
  return new HarnessError('ERR_MERGE', visible(message));
}

const WHOLE: Shard = { index: 1, total: 1 };

export function mergeResults(files: ResultsFile[], options: { requireAllShards: boolean }): MergedRun {
  const first = files[0];
  if (first === undefined) throw fail('no results files given');
  checkSameRun(first, files.slice(1));
  checkSameVariants(files);
  checkShards(first, files, options.requireAllShards);
  const warnings: string[] = [];
  const parts = configParts(files, warnings);
  // One file (stress report of one shard) keeps its slices as they are: there is nothing to add them to.
  // Statuses from the counts again after joining (each record was regraded when read): nothing stored decides a verdict.
  const records = [...parts.values()].map(({ planIndex, results }) => ({ planIndex, result: regraded(files.length === 1 ? results[0]! : joinSlices(results, warnings)) }));
  records.sort((a, b) => a.planIndex - b.planIndex);
  checkNothingMissing(files, records.map((r) => r.result.config.key), options.requireAllShards);
  const h0 = first.header;
  const { shard: _shard, ...settings } = h0.settings;
  const single = files.length === 1 ? h0.settings.shard : undefined;
  const summary: RunSummary = {
    seed: h0.seed,
    startedAt: files.map((f) => f.header.startedAt).sort()[0]!,
    // Shards run side by side: the merged run took as long as the slowest.
    // A killed run has no end record: its configurations' own durations are the best measure left.
    durationMs: Math.max(...files.map((f) => f.end?.durationMs ?? f.configs.reduce((ms, c) => ms + c.result.durationMs, 0))),
    configs: records.map((r) => r.result),
    interrupted: files.some((f) => f.end === undefined || f.end.interrupted),
    exitCode: 0,
    // A shard stopped by --fail-fast: the merged run did not run those configurations either.
    ...(stoppedEarly(files) ?? {}),
    ...(single !== undefined ? { shard: single } : {}),
  };
  summary.exitCode = exitCodeFor(summary);
  return { seed: h0.seed, plan: h0.plan, settings: single !== undefined ? h0.settings : settings, startedAt: summary.startedAt, summary, warnings };
}

/** Shards of one run share its seed, plan, tool version, every trial setting but the shard, and soak or not. */
function checkSameRun(first: ResultsFile, others: ResultsFile[]): void {
  const h0 = first.header;
  for (const f of others) {
    const h = f.header;
    if (h.seed !== h0.seed) throw fail(`${f.path} has seed ${h.seed} but ${first.path} has ${h0.seed}: shards of one run share its seed`);
    if (JSON.stringify(h.plan) !== JSON.stringify(h0.plan)) {
      const at = h.plan.findIndex((k, i) => h0.plan[i] !== k);
      throw fail(
        `${f.path} and ${first.path} ran different plans (${h.plan.length} vs ${h0.plan.length} configurations${at >= 0 ? `, first difference: ${h.plan[at]} vs ${h0.plan[at] ?? 'nothing'}` : ''}): pass the same suites and flags to every shard`,
      );
    }
    if (h.tool !== h0.tool) throw fail(`${f.path} was written by shakedown ${h.tool} but ${first.path} by ${h0.tool}: run every shard with the same version`);
    // Every recorded setting but the shard itself, so a setting added to the header later is compared too.
    const keys = new Set([...Object.keys(h.settings), ...Object.keys(h0.settings)].filter((k) => k !== 'shard'));
    for (const k of keys) {
      const [a, b] = [(h.settings as unknown as Record<string, unknown>)[k], (h0.settings as unknown as Record<string, unknown>)[k]];
      if (JSON.stringify(a) !== JSON.stringify(b)) throw fail(`${f.path} ran with ${k} ${String(a)} but ${first.path} with ${String(b)}`);
    }
    const soak = (x: HeaderRecord): string => (x.soak === true ? 'a soak run (--duration)' : 'not a soak run');
    if (soak(h) !== soak(h0)) throw fail(`${f.path} is ${soak(h)} but ${first.path} is ${soak(h0)}: merge shards of one run`);
  }
}

/** Every file one shard of the same split, none given twice, and (when required) all of them present. */
function checkShards(first: ResultsFile, files: ResultsFile[], requireAll: boolean): void {
  const shardOf = (f: ResultsFile): Shard => f.header.settings.shard ?? WHOLE;
  const total = shardOf(first).total;
  const byIndex = new Map<number, ResultsFile>();
  for (const f of files) {
    const s = shardOf(f);
    if (s.total !== total) throw fail(`${f.path} is shard ${formatShard(s)} but ${first.path} is shard ${formatShard(shardOf(first))}: every shard must split the plan the same way`);
    const twice = byIndex.get(s.index);
    if (twice !== undefined) throw fail(`shard ${formatShard(s)} given twice: ${twice.path} and ${f.path}`);
    byIndex.set(s.index, f);
  }
  if (!requireAll) return;
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw fail(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')}: merge the results files of all ${total} shards`);
  }
}

/**
 * Each configuration's results across the files (one, or one per trial slice), with its place in
 * the plan; says in `warnings` which files were cut short. A configuration, or each slice of it,
 * must be in one file only.
 */
function configParts(files: ResultsFile[], warnings: string[]): Map<string, { planIndex: number; results: ConfigResult[] }> {
  const seen = new Map<string, string>();
  const parts = new Map<string, { planIndex: number; results: ConfigResult[] }>();
  for (const f of files) {
    if (f.end === undefined) warnings.push(`${f.path}: the run did not finish (killed?); it holds ${f.configs.length} finished configurations`);
    if (f.truncatedTail) warnings.push(`${f.path}: dropped a last line cut short`);
    const host = f.header.hostname;
    for (const r of f.configs) {
      const key = r.result.config.key;
      const slice = r.result.slice;
      const part = slice === undefined ? key : `${key} (trial slice ${slice.index}/${slice.total})`;
      const other = seen.get(part);
      if (other === f.path) throw fail(`configuration ${part} is listed twice in ${f.path}: a results file holds each configuration once (was it edited, or written by two runs?)`);
      if (other !== undefined) throw fail(`configuration ${part} is in both ${other} and ${f.path}: shards must be disjoint`);
      seen.set(part, f.path);
      // A result merged before keeps the hostname it has; otherwise it is its shard's (none in files older than the field).
      const result: ConfigResult = hostnameOf(r.result) === undefined && typeof host === 'string' ? { ...r.result, hostname: host } : r.result;
      const entry = parts.get(key) ?? { planIndex: r.planIndex, results: [] };
      entry.results.push(result);
      parts.set(key, entry);
    }
  }
  return parts;
}

/**
 * The configurations of one suite variant differ only in threads, cores and
 * jitter: their parameters and implementation must agree across shards, or
 * the shards were run with different --param or --impl flags.
 */
function checkSameVariants(files: ResultsFile[]): void {
  const byVariant = new Map<string, { path: string; params: string; impl: string }>();
  for (const f of files) {
    for (const { result } of f.configs) {
      const c = result.config;
      const id = `${c.suite}/${c.variant}`;
      const mine = { path: f.path, params: JSON.stringify(comparableParams(c.params)), impl: c.impl ?? '(none)' };
      const seen = byVariant.get(id);
      if (seen === undefined) {
        byVariant.set(id, mine);
        continue;
      }
      if (seen.path === f.path) continue;
      for (const field of ['params', 'impl'] as const) {
        if (mine[field] !== seen[field]) {
          throw fail(`${f.path} ran ${id} with ${field} ${mine[field]} but ${seen.path} with ${seen[field]}: pass the same --param and --impl flags to every shard`);
        }
      }
    }
  }
}

/** The shards' fail-fast stops, as one: the first reason, and every configuration not run. */
/**
 * Every planned configuration has a result when the files are the whole run (all shards, or one
 * unsharded file) and every run ended normally: a configuration missing then was removed from a
 * file, and a verdict without it could be green where the run was red. (A killed, interrupted or
 * --fail-fast run legitimately lacks some: warned or reported as stopped instead.)
 */
function checkNothingMissing(files: ResultsFile[], present: string[], allShards: boolean): void {
  const whole = allShards || (files.length === 1 && (files[0]!.header.settings.shard === undefined || files[0]!.header.settings.shard.total === 1));
  const complete = files.every((f) => f.end !== undefined && !f.end.interrupted && f.end.stoppedEarly === undefined && !f.truncatedTail);
  if (!whole || !complete) return;
  const have = new Set(present);
  const missing = files[0]!.header.plan.filter((key) => !have.has(key));
  if (missing.length > 0) {
    throw fail(`${missing.length} planned configuration${missing.length === 1 ? ' has' : 's have'} no result (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}) although every run ended normally: a record was removed from a results file; refusing to judge the run without it`);
  }
}

function stoppedEarly(files: ResultsFile[]): { stoppedEarly: NonNullable<RunSummary['stoppedEarly']> } | undefined {
  const stops = files.flatMap((f) => (f.end?.stoppedEarly ? [f.end.stoppedEarly] : []));
  if (stops.length === 0) return undefined;
  return { stoppedEarly: { reason: stops[0]!.reason, notRun: stops.reduce((n, s) => n + s.notRun, 0) } };
}

/**
 * Parameters as shards are compared: a module URL (an implementation under test) by its file name
 * only, since shards of one run may be checked out at different paths on different machines (the
 * implementation's name is compared separately, as `impl`).
 */
function comparableParams(params: Params): Params {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' && v.startsWith('file:') ? `file:.../${basename(v)}` : v]));
}

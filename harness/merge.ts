/**
 * Combining results files: the shards of one run (same seed, same plan,
 * same trial settings, disjoint, all present) become one summary, the same
 * one an unsharded run would have produced, with its verdict recomputed over
 * the whole matrix (canaries are judged across every shard).
 */
import { HarnessError } from './errors.js';
import type { ResultsFile } from './results-file.js';
import type { RunSummary } from './results.js';
import type { RunSettings } from './run.js';
import { type Shard, formatShard } from './shard.js';
import { exitCodeFor } from './verdict.js';

export interface MergedRun {
  seed: string;
  plan: string[];
  settings: RunSettings;
  startedAt: string;
  summary: RunSummary;
  /** Things worth telling the user that do not stop the merge (a shard that was killed). */
  warnings: string[];
}

function fail(message: string): HarnessError {
  return new HarnessError('ERR_MERGE', message);
}

const WHOLE: Shard = { index: 1, total: 1 };

export function mergeResults(files: ResultsFile[], options: { requireAllShards: boolean }): MergedRun {
  const first = files[0];
  if (first === undefined) throw fail('no results files given');
  const h0 = first.header;
  for (const f of files.slice(1)) {
    const h = f.header;
    if (h.seed !== h0.seed) throw fail(`${f.path} has seed ${h.seed} but ${first.path} has ${h0.seed}: shards of one run share its seed`);
    if (JSON.stringify(h.plan) !== JSON.stringify(h0.plan)) {
      const at = h.plan.findIndex((k, i) => h0.plan[i] !== k);
      throw fail(
        `${f.path} and ${first.path} ran different plans (${h.plan.length} vs ${h0.plan.length} configurations${at >= 0 ? `, first difference: ${h.plan[at]} vs ${h0.plan[at] ?? 'nothing'}` : ''}): pass the same suites and flags to every shard`,
      );
    }
    for (const k of ['runs', 'timeBudgetMs', 'timeoutMs', 'traceEvents'] as const) {
      if (h.settings[k] !== h0.settings[k]) throw fail(`${f.path} ran with ${k} ${String(h.settings[k])} but ${first.path} with ${String(h0.settings[k])}`);
    }
  }
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
  if (options.requireAllShards) {
    const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
    if (missing.length > 0) {
      throw fail(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')}: merge the results files of all ${total} shards`);
    }
  }
  const warnings: string[] = [];
  const seen = new Map<string, string>();
  const records = [];
  for (const f of files) {
    if (f.end === undefined) warnings.push(`${f.path}: the run did not finish (killed?); it holds ${f.configs.length} finished configurations`);
    if (f.truncatedTail) warnings.push(`${f.path}: dropped a last line cut short`);
    for (const r of f.configs) {
      const key = r.result.config.key;
      const other = seen.get(key);
      if (other !== undefined) throw fail(`configuration ${key} is in both ${other} and ${f.path}: shards must be disjoint`);
      seen.set(key, f.path);
      records.push(r);
    }
  }
  records.sort((a, b) => a.planIndex - b.planIndex);
  const { shard: _shard, ...settings } = h0.settings;
  const single = files.length === 1 ? first.header.settings.shard : undefined;
  const summary: RunSummary = {
    seed: h0.seed,
    startedAt: files.map((f) => f.header.startedAt).sort()[0]!,
    // Shards run side by side: the merged run took as long as the slowest.
    durationMs: Math.max(...files.map((f) => f.end?.durationMs ?? 0)),
    configs: records.map((r) => r.result),
    interrupted: files.some((f) => f.end === undefined || f.end.interrupted),
    exitCode: 0,
    ...(single !== undefined ? { shard: single } : {}),
  };
  summary.exitCode = exitCodeFor(summary);
  return { seed: h0.seed, plan: h0.plan, settings: single !== undefined ? h0.settings : settings, startedAt: summary.startedAt, summary, warnings };
}

/**
 * Sharding: `--shard i/n` splits the full, deterministic plan into work items
 * and keeps those whose index is congruent to i-1 modulo n. With at least as
 * many configurations as shards, an item is a configuration. With more shards
 * than configurations, each configuration's trials are cut into the same
 * number of slices (enough for every shard to get one), so no shard sits idle:
 * a soak of one configuration can spread over fifty machines.
 *
 * Seeds do not depend on the shard (they derive from master seed +
 * configuration key + trial index), and slices cover disjoint trial indices,
 * so n shards with the same seed run exactly the work of one unsharded run
 * (with --runs), and `stress merge` adds the slices back up.
 */
import { HarnessError } from '../shared/errors.js';

export interface Shard {
  /** 1-based, as the user writes it. */
  index: number;
  total: number;
}

export function parseShard(flag: string, raw: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const index = m === null ? NaN : Number(m[1]);
  const total = m === null ? NaN : Number(m[2]);
  if (m === null || !(total >= 1) || !(index >= 1) || index > total || total > MAX_SHARDS) {
    throw new HarnessError('ERR_USAGE', `${flag}: ${JSON.stringify(raw)} is not a shard; expected i/n with 1 <= i <= n, e.g. 2/3`);
  }
  return { index, total };
}

/** Whether the configuration at `planIndex` of the full plan belongs to `shard`. */
export function inShard(planIndex: number, shard: Shard | undefined): boolean {
  return shard === undefined || planIndex % shard.total === shard.index - 1;
}

/**
 * One shard's part of one configuration's trials. 1-based like shards. Trials
 * of slice k of m are the k-th of m equal runs of --runs N (so the slices add
 * up to trials 0 .. N-1), or, with a time budget, start at (k-1) x
 * SLICE_TRIAL_SPAN, and runs at most that many trials, so that no two slices draw the same seed.
 */
export interface TrialSlice {
  index: number;
  total: number;
  /** The first trial index of this slice. */
  firstTrial: number;
  /** With --runs: this slice's number of trials; absent with a time budget. */
  runs?: number;
}

/** The most shards `--shard` takes. */
export const MAX_SHARDS = 10_000;

/**
 * Trial indices a time-budgeted slice may use before the next slice's: 2^39 (about 6 days of trials
 * at a million per second; a slice stops there). MAX_SHARDS slices of it stay below 2^53, where
 * trial indices are still exact integers.
 */
export const SLICE_TRIAL_SPAN = 2 ** 39;

export interface ShardItem {
  /** Index of the configuration in the full plan. */
  planIndex: number;
  /** Set when the configuration's trials are split across shards. */
  slice?: TrialSlice;
}

/**
 * The work items of `shard` over a plan of `planLength` configurations, in plan order. `runs` is
 * the trials per configuration (--runs), if fixed: a configuration is never cut into more slices
 * than it has trials.
 */
export function shardItems(planLength: number, shard: Shard | undefined, runs?: number): ShardItem[] {
  const all = Array.from({ length: planLength }, (_, planIndex) => planIndex);
  if (shard === undefined) return all.map((planIndex) => ({ planIndex }));
  const wanted = planLength === 0 ? 1 : Math.ceil(shard.total / planLength);
  const slices = Math.max(1, runs === undefined ? wanted : Math.min(wanted, runs));
  if (slices === 1) return all.filter((i) => inShard(i, shard)).map((planIndex) => ({ planIndex }));
  const items: ShardItem[] = [];
  for (let item = shard.index - 1; item < planLength * slices; item += shard.total) {
    const planIndex = Math.floor(item / slices);
    const index = (item % slices) + 1;
    items.push({ planIndex, slice: sliceOf(index, slices, runs) });
  }
  return items;
}

function sliceOf(index: number, total: number, runs: number | undefined): TrialSlice {
  if (runs === undefined) return { index, total, firstTrial: (index - 1) * SLICE_TRIAL_SPAN };
  const from = Math.floor(((index - 1) * runs) / total);
  const to = Math.floor((index * runs) / total);
  return { index, total, firstTrial: from, runs: to - from };
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.total}`;
}

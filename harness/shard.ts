/**
 * Sharding: `--shard i/n` keeps the configurations whose index in the full,
 * deterministic plan is congruent to i-1 modulo n. Seeds do not depend on the
 * shard (they derive from master seed + configuration key + trial index), so
 * n shards with the same seed run exactly the work of one unsharded run.
 */
import { HarnessError } from './errors.js';

export interface Shard {
  /** 1-based, as the user writes it. */
  index: number;
  total: number;
}

export function parseShard(flag: string, raw: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const index = m === null ? NaN : Number(m[1]);
  const total = m === null ? NaN : Number(m[2]);
  if (m === null || !(total >= 1) || !(index >= 1) || index > total || total > 10_000) {
    throw new HarnessError('ERR_USAGE', `${flag}: ${JSON.stringify(raw)} is not a shard; expected i/n with 1 <= i <= n, e.g. 2/3`);
  }
  return { index, total };
}

/** Whether the configuration at `planIndex` of the full plan belongs to `shard`. */
export function inShard(planIndex: number, shard: Shard | undefined): boolean {
  return shard === undefined || planIndex % shard.total === shard.index - 1;
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.total}`;
}

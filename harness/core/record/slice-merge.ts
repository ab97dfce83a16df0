/**
 * A configuration whose trials `--shard` cut into slices comes back from the
 * shards as one result per slice; `stress merge` adds them up here into the
 * result one unsharded run would have given: counts summed, the first few
 * failure samples in trial order (slice 1's before slice 2's), rates, intervals
 * and statuses recomputed (by accumulate, through the status rule, grade/status-rule.ts). A stop within a configuration (--max-failures, too
 * many hangs or crashes) applies to each slice on its own, so a configuration
 * that stopped early sums more trials than an unsharded run would have.
 */
import type { ConfigResult } from '../grade/results.js';
import { accumulate } from './soak-merge.js';

/** One result from a configuration's parts (a lone unsliced result is returned as it is); says in `warnings` when slices are missing. */
export function joinSlices(parts: ConfigResult[], warnings: string[]): ConfigResult {
  const first = parts[0]!;
  if (parts.length === 1 && first.slice === undefined) return first;
  const sorted = [...parts].sort((a, b) => (a.slice?.index ?? 0) - (b.slice?.index ?? 0));
  const total = first.slice?.total ?? parts.length;
  if (sorted.length < total) {
    const have = new Set(sorted.map((p) => p.slice?.index));
    const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !have.has(i));
    warnings.push(`${first.config.key}: trial slice${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')} missing, so its results cover only part of its trials`);
  }
  let joined: ConfigResult | undefined;
  for (const part of sorted) joined = accumulate(joined, part);
  const { slice: _slice, ...whole } = joined!;
  // The slices ran side by side, each with its own clock: the first detection is the one in the
  // earliest slice (the trial an unsharded run meets first), at the time its own slice took to find it.
  const detected = sorted.find((p) => p.firstDetection !== undefined)?.firstDetection;
  if (detected !== undefined) whole.firstDetection = detected;
  // Each slice stops on its own after MAX_RECOVERIES hangs or crashes: the merged count is their sum.
  const recoveries = sorted.reduce((n, p) => n + (p.stoppedAtRecoveries ?? 0), 0);
  if (recoveries > 0) whole.stoppedAtRecoveries = recoveries;
  const tooLong = sorted.find((p) => p.notControlled !== undefined)?.notControlled;
  if (tooLong !== undefined) whole.notControlled = tooLong;
  // Every machine that ran a slice, once each, in slice order.
  const hosts = [...new Set(sorted.map((p) => p.hostname).filter((h): h is string => typeof h === 'string' && h !== ''))];
  if (hosts.length > 0) whole.hostname = hosts.join(',');
  return whole;
}

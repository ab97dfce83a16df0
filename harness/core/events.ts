/**
 * What a run tells its consumers as it goes (reporters, the CLI, the mocha helper): the one
 * interface between the core and everything that prints or writes results. Plain data only.
 */
import type { ConfigResult, Configuration, RunSummary } from './grade/results.js';
import type { RunSettings } from './settings/run-options.js';

export type RunEvent =
  | {
      type: 'run-start';
      seed: string;
      /** The configurations this run will execute (this shard's, when sharded). */
      configs: Configuration[];
      /** Keys of the whole plan, unsharded, in plan order: shards of one run share it. */
      plan: string[];
      settings: RunSettings;
      startedAt: string;
      /** Time-budgeted runs: the least testing time each configuration gets (budget / runnable configurations). */
      minShareMs?: number;
    }
  /** `groups`: in a --jobs run, how many trial groups run this configuration (copies on disjoint trial ranges, merged at its end). */
  | { type: 'config-start'; config: Configuration; index: number; total: number; groups?: number }
  /**
   * `configsLeft`: configurations not finished yet (during one, it counts itself). `groups`: in a
   * --jobs run, the trial groups running side by side (`config` is the one that reported last).
   */
  | { type: 'progress'; config: Configuration; trials: number; elapsedMs: number; totalTrials: number; totalFailures: number; configsLeft: number; groups?: number }
  | { type: 'config-end'; result: ConfigResult; index: number; total: number }
  /** Soak runs, after each pass: the totals so far, for a checkpoint file. */
  | { type: 'checkpoint'; summary: RunSummary }
  | { type: 'run-end'; summary: RunSummary };

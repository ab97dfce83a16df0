/**
 * Results are plain data (JSON-serialisable): the CLI, reporters and the
 * mocha integration read the same shapes.
 */
import type { TraceEvent } from '../execute/trace.js';
import type { ScheduleName, ScheduleSample } from '../schedule/types.js';
import type { Params } from '../../suite-api.js';
import type { Shard } from '../plan/shard.js';

export interface Configuration {
  /** Stable, unique, human-readable: `suite/variant/t4/c-all/j-spin-1us`. */
  key: string;
  suite: string;
  /** Where the suite module lives (file URL); built-ins too. */
  suiteUrl: string;
  variant: string;
  canary: boolean;
  bug?: string;
  threads: number;
  /** 'all' or a number of cores the group is confined to. */
  cores: 'all' | number;
  jitter: string;
  params: Params;
  seed: string;
  /** Conformance suites: the name of the implementation under test (its module URL is params.impl). */
  impl?: string;
  /** The schedule axis: absent for free-running stress; otherwise every trial runs controlled (see core/schedule/types.ts). */
  schedule?: Exclude<ScheduleName, 'free'>;
}

export { HANG_INVARIANT } from './harness-invariants.js';

/** pass: held in every trial. flaky: failed in some. fail: failed in all (the rule: status-rule.ts). */
export type InvariantStatus = 'pass' | 'flaky' | 'fail';

export interface FailureSample {
  trial: number;
  details: string;
  expected?: unknown;
  observed?: unknown;
  trace: TraceEvent[];
  replay: string;
  /** Controlled trials: the schedule it failed under and the interleaving that shows it. */
  schedule?: ScheduleSample;
  /**
   * A free-running failure (the first sample of its invariant): what the controlled search of the
   * same configuration found after it (core/controlled-search.ts). With `replay`, a controlled
   * trial that failed the same invariant: its token (of the `/s-ctl` configuration) replays it
   * exactly, every time. Without, none of `schedules` controlled schedules failed it.
   */
  controlled?: ControlledReproduction;
}

/** The controlled search's answer for one free-running failure: found (token and schedule), or not in so many schedules. */
export type ControlledReproduction =
  | { replay: string; schedule: ScheduleSample; schedules: number; ms: number }
  | { replay?: undefined; schedule?: undefined; schedules: number; ms: number };

export interface InvariantResult {
  name: string;
  trials: number;
  failures: number;
  rate: number;
  interval: [number, number];
  status: InvariantStatus;
  /** The first few failing trials (bounded); later ones are only counted. */
  samples: FailureSample[];
}

export interface HangSample {
  trial: number;
  /** Threads blocked on locks when the watchdog fired: who waits for what, held by whom. */
  waitFor: Array<{ thread: string; waitsFor: string; heldBy: string }>;
  /** Trial index each thread had reached. */
  progress: number[];
  trace: TraceEvent[];
  replay: string;
}

export interface ErrorSample {
  trial: number;
  thread: number;
  name: string;
  code?: string;
  message: string;
  stack?: string;
  replay: string;
}

/**
 * A configuration's status, the most severe of what happened in it (pass < flaky < fail < hang <
 * error < skipped). For a canary, the verdict is separate: caught (some failure or hang) or
 * survived. Both are decided in status-rule.ts only.
 */
export type ConfigStatus = 'pass' | 'flaky' | 'fail' | 'hang' | 'error' | 'skipped';

export interface OutcomeCount {
  outcome: string;
  count: number;
  grade: 'acceptable' | 'interesting' | 'forbidden';
  description: string;
}

export interface ConfigResult {
  config: Configuration;
  status: ConfigStatus;
  /** For canaries: caught means the run found the planted bug. */
  canaryVerdict?: 'caught' | 'survived';
  skippedReason?: string;
  /** A skipped configuration: the invariants it would have been graded on (JUnit keeps a testcase per invariant, skipped, so names do not depend on where the run happened). */
  skippedInvariants?: string[];
  trials: number;
  /** Trials in which at least one invariant failed, or that hung. */
  failedTrials: number;
  invariants: InvariantResult[];
  outcomes: OutcomeCount[];
  hangs: { count: number; samples: HangSample[] };
  errors: { count: number; samples: ErrorSample[] };
  durationMs: number;
  /** First detection (failure or hang): its trial and the ms since the configuration started. */
  firstDetection?: { trial: number; ms: number };
  /** Set when the configuration stopped early because this many trials had failed (`--max-failures`): its rate then over-states the true rate. */
  stoppedAtFailures?: number;
  /** Time-budgeted runs: the testing time this configuration was given (its share of the budget), in ms. */
  shareMs?: number;
  /** Set when the configuration stopped early after this many hangs or crashes (each needed a new worker group): the rest of its budget was not run. */
  stoppedAtRecoveries?: number;
  /**
   * Controlled configurations: set when a trial could not be run controlled, which is no verdict
   * on the code (its free-running configurations test it): it ran past the step bound, or the
   * model refused it (Atomics.waitAsync, frozen globals). The configuration stopped there; that
   * trial is not counted.
   */
  notControlled?: { trial: number; reason: string };
  /** After a merge of shards: the machine that ran this configuration, when its results file recorded it. */
  hostname?: string;
  /**
   * Set when `--shard` cut this configuration's trials into slices (more shards than
   * configurations): which slice this shard ran, and its first trial index. `stress merge` adds the
   * slices back into one result without it.
   */
  slice?: { index: number; total: number; firstTrial: number };
  /** Soak passes only (stripped from reports): the trial index the next pass of this configuration starts at, so passes never repeat seeds. */
  nextTrial?: number;
}

/** A soak run (`--duration`): passes over the matrix and the run's resident memory, sampled after each pass. */
export interface SoakInfo {
  passes: number;
  durationMs: number;
  /** False in a checkpoint written while the soak was still running. */
  complete: boolean;
  /** RSS in MB after the first pass, the largest after any later pass, after the last, and after each pass (the first MAX_RSS_SAMPLES). */
  rssMb: { first: number; max: number; last: number; byPass: number[] };
}

export interface RunSummary {
  seed: string;
  startedAt: string;
  durationMs: number;
  configs: ConfigResult[];
  interrupted: boolean;
  exitCode: number;
  /** Set when the run was one shard of a larger plan: the verdict covers this shard only. */
  shard?: Shard;
  soak?: SoakInfo;
  /** Set when the run stopped before its plan was done, for a reason other than a signal (`interrupted`): e.g. `--fail-fast after <key>`, and how many planned configurations were not run. */
  stoppedEarly?: { reason: string; notRun: number };
  /**
   * Set only in the summary handed to the reporters that finish after another reporter failed (the
   * console finishes last for this): the process exits 3 then, whatever the trials gave, and the
   * closing line must say so, not the trials' exit code.
   */
  reportersFailed?: { names: string[]; verdictExitCode: number };
}

/** What the caller of the execute stage decides for one configuration. */
import type { WorkerGroups } from './pools.js';
import type { ScheduleSpec } from '../schedule/types.js';
import type { ControlledTrial } from './schedule-dispatch.js';
import type { ExplainLimits, Explanation } from './explain.js';

export interface Budget {
  /** Stop after this many trials. */
  runs?: number;
  /** Stop after this much wall time (ms). */
  timeMs?: number;
}

export interface ExecuteOptions {
  timeoutMs: number;
  traceEvents: number;
  budget: Budget;
  /** Stop the configuration once this many trials have failed (hangs included). */
  maxFailures?: number;
  /** Index of the first trial (soak passes continue where the last pass ended); default 0. */
  firstTrial?: number;
  /** Replay: every trial draws its randomness as this trial. */
  fixedSeedTrial?: number;
  /** Polled between batches and by the watchdog: stop early (interrupt). A batch in flight gets STOP_GRACE_MS, then is cancelled. */
  shouldStop?: () => boolean;
  /** Progress callback after each batch. */
  onBatch?: (trialsSoFar: number, failedTrialsSoFar: number) => void;
  /**
   * Free-running groups of a --jobs run: the CPU each thread's worker pins itself to (worker/pin-thread.ts),
   * so that a trial's threads run on cores of their own, beside the other groups.
   */
  threadCpus?: number[];
  /** Worker groups shared across configurations; without it, this call makes and closes its own. */
  groups?: WorkerGroups;
  /** Controlled configurations (config.schedule set), replay: every trial runs exactly this spec. */
  scheduleSpec?: ScheduleSpec;
  /** Controlled configurations: keep this trial's whole interleaving in its failure sample (a rerun with logging). */
  scheduleLogTrial?: number;
  /** Controlled configurations: called with every graded trial's schedule (spec, steps, hash, finding): replay compares hashes, benchmarks count steps. */
  onControlledTrial?: (trial: number, c: ControlledTrial) => void;
  /** Controlled configurations: decisions per trial at most (default 200,000). */
  maxSteps?: number;
  /** Controlled configurations: decisions with no value-changing write at most before a livelock (default 20,000). */
  maxIdleSteps?: number;
  /** Controlled configurations: the bound on explaining failures (default 400 reruns or 2 s, within the time share); maxReruns 0 turns it off. */
  explainLimits?: Partial<ExplainLimits>;
  /** Controlled configurations: called with what explaining each failing invariant's first sample did (reruns, switches before and after). */
  onExplained?: (e: Explanation) => void;
}

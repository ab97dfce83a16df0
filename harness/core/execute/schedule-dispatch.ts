/**
 * The executor's side of controlled scheduling for one configuration: which spec each trial runs
 * under (the portfolio, or one spec for a replay), PCT's step estimate from earlier passing
 * trials, the schedule part of each batch's task, and what the threads' reports of a trial add up to.
 */
import type { InterleavingStep, ScheduleFinding, ScheduleName, ScheduleSpec } from '../schedule/types.js';
import { specFor } from '../schedule/strategy.js';
import type { BatchReply, BatchSchedule } from './worker/task.js';
import type { ThreadTrialReport } from './worker/sched/model.js';
import { Flag, createControlBuffer } from './worker/sched/control-words.js';

/** PCT's k before any trial has passed: the design's first-batch estimate. */
export const FIRST_PCT_STEPS = 100;
/** Passing trials whose lengths the PCT estimate is taken over. */
const PCT_WINDOW = 64;
/** Default decisions per trial at most (design, section 5: --max-steps). */
export const DEFAULT_MAX_STEPS = 200_000;
/** Default decisions with no value-changing write, at most (design, section 5: --max-idle-steps). */
export const DEFAULT_MAX_IDLE_STEPS = 100_000;

/** A controlled trial, as the executor grades it: the threads' reports put together. */
export interface ControlledTrial {
  spec: ScheduleSpec;
  finding?: ScheduleFinding;
  /** The step bound was reached: not a finding, an error of the trial. */
  tooLong?: string;
  steps: number;
  preemptions: number;
  /** 8 hex digits of the execution log's hash. */
  hash: string;
  /** First step where a switch list no longer fit the code. */
  diverged?: number;
  /** The whole interleaving, for a logged trial only. */
  interleaving?: InterleavingStep[];
  /** Decisions that differ from the non-preemptive default, for a logged trial only: its switch list. */
  switches?: Array<[step: number, thread: number]>;
}

export interface ScheduleOptions {
  /** Every trial runs exactly this spec (replay). */
  fixedSpec?: ScheduleSpec;
  /** Trial index (within the configuration) whose whole execution log is kept. */
  logTrial?: number;
  maxSteps?: number;
  maxIdleSteps?: number;
}

export class ScheduleDispatch {
  readonly #schedule: Exclude<ScheduleName, 'free'>;
  readonly #seed: string;
  readonly #key: string;
  readonly #threads: number;
  readonly #options: ScheduleOptions;
  /** Steps of the last PCT_WINDOW passing trials (a ring). */
  readonly #passingSteps: number[] = [];
  #ring = 0;

  constructor(schedule: Exclude<ScheduleName, 'free'>, seed: string, configKey: string, threads: number, options: ScheduleOptions = {}) {
    this.#schedule = schedule;
    this.#seed = seed;
    this.#key = configKey;
    this.#threads = threads;
    this.#options = options;
  }

  /** PCT's k: the 90th percentile of steps over the last PCT_WINDOW passing trials; FIRST_PCT_STEPS before any. */
  get pctSteps(): number {
    if (this.#passingSteps.length === 0) return FIRST_PCT_STEPS;
    const sorted = [...this.#passingSteps].sort((a, b) => a - b);
    return Math.max(1, sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))]!);
  }

  /** A passing controlled trial's length, for the PCT estimate. */
  notePassing(steps: number): void {
    if (this.#passingSteps.length < PCT_WINDOW) this.#passingSteps.push(steps);
    else this.#passingSteps[this.#ring++ % PCT_WINDOW] = steps;
  }

  /**
   * The schedule part of a batch of `count` trials from `first`. `seedTrial`: a replay's fixed
   * trial index (every trial draws as that one), else null.
   */
  forBatch(first: number, count: number, seedTrial: number | null): BatchSchedule {
    const k = this.pctSteps;
    const specs = Array.from({ length: count }, (_, i) => this.#options.fixedSpec ?? specFor(this.#schedule, this.#seed, this.#key, seedTrial ?? first + i, k));
    const part: BatchSchedule = {
      control: createControlBuffer(this.#threads),
      specs,
      maxSteps: this.#options.maxSteps ?? DEFAULT_MAX_STEPS,
      maxIdleSteps: this.#options.maxIdleSteps ?? DEFAULT_MAX_IDLE_STEPS,
    };
    const log = this.#options.logTrial;
    if (log !== undefined && log >= first && log < first + count) part.logTrial = log - first;
    return part;
  }
}

/** Trial `i` of a batch, from its threads' reports: the finding (from its finder), the summary (from the last thread out), the logs merged. */
export function controlledTrial(spec: ScheduleSpec, replies: BatchReply[], i: number): ControlledTrial {
  const reports = replies.map((r) => r.schedule?.[i]).filter((r): r is ThreadTrialReport => r !== undefined);
  const summary = reports.find((r) => r.summary !== undefined)?.summary;
  const trial: ControlledTrial = { spec, steps: summary?.steps ?? 0, preemptions: summary?.preemptions ?? 0, hash: summary?.hash ?? '00000000' };
  const finding = reports.find((r) => r.finding !== undefined)?.finding;
  if (finding !== undefined) trial.finding = finding;
  const tooLong = reports.find((r) => r.tooLong !== undefined)?.tooLong;
  if (tooLong !== undefined) trial.tooLong = tooLong;
  if (summary?.flag === Flag.TOO_LONG && trial.tooLong === undefined) trial.tooLong = 'trial too long for controlled scheduling';
  if (summary?.diverged !== undefined) trial.diverged = summary.diverged;
  if (reports.some((r) => r.log !== undefined)) {
    trial.interleaving = reports
      .flatMap((r) => r.log ?? [])
      .sort((a, b) => a.exec - b.exec)
      .map((e) => e.step);
    trial.switches = reports.flatMap((r) => r.switches ?? []).sort((a, b) => a[0] - b[0]);
  }
  return trial;
}

/**
 * One trial of a controlled configuration run again, alone, under a given spec: what explain.ts
 * shrinks with. It uses the configuration's own prepared pieces (worker group, thread names, state
 * memory), so a rerun is one batch of one trial: no prepare(), no new workers. The trial draws its
 * randomness as the original (fixedSeedTrial) and is numbered as it (its token names it).
 *
 * A logged rerun's words are named from the state setup() returned (word-names.ts), in the
 * interleaving and in a finding's message, before the grader keeps the sample.
 */
import { ConfigGrader } from '../grade/grade.js';
import type { AnySuite } from '../plan/load-suite.js';
import type { ConfigResult, Configuration } from '../grade/results.js';
import type { ActorOutcome } from '../../suite-api.js';
import type { TraceEvent } from './trace.js';
import type { ScheduleSpec } from '../schedule/types.js';
import { keptSteps } from '../schedule/interleaving.js';
import type { ExecuteOptions } from './execute-options.js';
import type { BatchMemory } from './batch-memory.js';
import type { DispatchContext } from './batch-dispatch.js';
import { runBatches } from './batch-loop.js';
import { TrialQueue } from './trial-queue.js';
import { type ControlledTrial, ScheduleDispatch } from './schedule-dispatch.js';
import type { RerunTrial, TrialRerun } from './explain.js';
import { WordNames } from './word-names.js';

/**
 * A grader that names a logged trial's words (`buf1+4` -> `board[1]`) from its state before keeping
 * it, and counts its samples' steps as the interleaving numbers them (by executed operation).
 */
export class NamingGrader extends ConfigGrader {
  /** Steps of the logged interleaving before it was cut to what a sample keeps (the samples' totalSteps). */
  loggedSteps: number | undefined;

  override addControlledTrial(trial: number, state: unknown, outcomes: Array<ActorOutcome<unknown>>, trace: () => TraceEvent[], c: ControlledTrial): void {
    if (c.interleaving !== undefined) {
      const names = new WordNames(state);
      this.loggedSteps = c.interleaving.length;
      c.interleaving = keptSteps(c.interleaving).map((s) => (s.word === undefined ? s : { ...s, word: names.rename(s.word) }));
      if (c.finding !== undefined) {
        c.finding = {
          ...c.finding,
          message: names.rename(c.finding.message),
          threads: c.finding.threads.map((t) => (t.word === undefined ? t : { ...t, word: names.rename(t.word) })),
        };
      }
    }
    super.addControlledTrial(trial, state, outcomes, trace, c);
  }

  override result(durationMs: number): ConfigResult {
    const result = super.result(durationMs);
    // The interleaving is numbered by executed operation (the model's log), not by decision:
    // its length is what a report of it counts.
    const logged = this.loggedSteps;
    if (logged !== undefined) {
      for (const inv of result.invariants) for (const s of inv.samples) if (s.schedule !== undefined && s.schedule.steps.length > 0) s.schedule.totalSteps = logged;
    }
    return result;
  }
}

export interface RerunContext {
  suite: AnySuite;
  config: Configuration;
  /** The configuration's dispatch context (its group, thread names, jitter, trace length). */
  dispatch: DispatchContext;
  memory: BatchMemory;
  hookLimitMs: number;
  options: ExecuteOptions;
}

/** Reruns of single trials of the configuration `c` describes (see above). */
export function trialRerunner(c: RerunContext): RerunTrial {
  const schedule = c.config.schedule;
  if (schedule === undefined) throw new Error('trialRerunner: the configuration is not controlled');
  return async (spec: ScheduleSpec, trial: number, log: boolean): Promise<TrialRerun> => {
    const { options } = c;
    const grader = new NamingGrader(c.suite, c.config, options.timeoutMs, options.traceEvents);
    const dispatch = new ScheduleDispatch(schedule, c.config.seed, c.config.key, c.config.threads, {
      fixedSpec: spec,
      ...(log ? { logTrial: trial } : {}),
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
      ...(options.maxIdleSteps !== undefined ? { maxIdleSteps: options.maxIdleSteps } : {}),
    });
    let controlled: ControlledTrial | undefined;
    const started = performance.now();
    await runBatches({
      suite: c.suite,
      dispatch: { ...c.dispatch, fixedSeedTrial: trial, schedule: dispatch },
      grader,
      memory: c.memory,
      queue: new TrialQueue(trial, trial + 1),
      hookLimitMs: c.hookLimitMs,
      options: {
        timeoutMs: options.timeoutMs,
        traceEvents: options.traceEvents,
        budget: { runs: 1 },
        onControlledTrial: (_, t) => (controlled = t),
        ...(options.shouldStop !== undefined ? { shouldStop: options.shouldStop } : {}),
      },
    });
    const out: TrialRerun = { result: grader.result(performance.now() - started) };
    if (controlled !== undefined) out.trial = controlled;
    return out;
  };
}

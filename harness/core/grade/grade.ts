/**
 * Grading: turns each trial's state and actor outcomes into invariant
 * verdicts, outcome counts, hangs and errors, and finally one ConfigResult.
 * Knows nothing about printing.
 */
import type { AnySuite } from '../plan/load-suite.js';
import type {
  ConfigResult,
  Configuration,
  ErrorSample,
  FailureSample,
  HangSample,
  InvariantResult,
  OutcomeCount,
} from './results.js';
import { encodeReplay } from '../record/replay-token.js';
import { canaryCaught, configStatus, invariantStatus } from './status-rule.js';
import { cut, describeThrown, safeValue, showValue } from '../shared/safe-value.js';
import { wilson } from './stats.js';
import { settleQuietly } from '../shared/errors.js';
import { type ActorOutcome, type InvariantVerdict, type OutcomeGrade, type SuiteContext, verdictOk } from '../../suite-api.js';
import type { TraceEvent } from '../execute/trace.js';
import { lastSeenText } from './hang-threads.js';

/** Failing trials kept in full per invariant; the rest are counted only, so reports stay bounded. */
export const SAMPLES_KEPT = 3;
/** Characters kept of a failing verdict's own text (its string, or `details`). */
const DETAILS_CAP = 4000;
/** Characters kept of an outcome key: keys are meant to be short ("lost 1 of 2"). */
const OUTCOME_KEY_CAP = 200;

import { DEADLOCK_INVARIANT, HANG_INVARIANT, LIVELOCK_INVARIANT, OUTCOME_INVARIANT, OUTSIDE_INVARIANT } from './harness-invariants.js';
export { DEADLOCK_INVARIANT, HARNESS_ERROR_INVARIANT, LIVELOCK_INVARIANT, OUTCOME_INVARIANT, OUTSIDE_INVARIANT, RESERVED_INVARIANTS } from './harness-invariants.js';
import type { ScheduleFinding, ScheduleSample } from '../schedule/types.js';
import type { ControlledTrial } from '../execute/schedule-dispatch.js';

/** The name of the error every thread of a controlled trial ends with after a finding (worker/sched/model.ts ScheduleAbort). */
const SCHEDULE_ABORT = 'ScheduleAbort';

/** Error codes of the model's refusals (worker/sched/model.ts): the trial could not run controlled at all. */
const MODEL_REFUSALS: readonly string[] = ['ERR_SCHED_UNPATCHABLE', 'ERR_SCHED_ASYNC'];

/** The harness invariant each kind of controlled finding fails. */
const FINDING_INVARIANT: Record<ScheduleFinding['kind'], string> = {
  deadlock: DEADLOCK_INVARIANT,
  livelock: LIVELOCK_INVARIANT,
  outside: OUTSIDE_INVARIANT,
  async: OUTSIDE_INVARIANT,
};
import { NO_HOLDER } from '@shakedown/primitives';

interface InvariantTally {
  failures: number;
  samples: FailureSample[];
}

/**
 * The invariants a configuration is graded on, in report order: the suite's, then the harness's
 * (outcome, hang, and under control deadlock, livelock and staying inside the model). A skipped
 * configuration lists the same names (reports keep one testcase per invariant wherever it ran).
 */
export function gradedInvariants(suite: Pick<AnySuite, 'invariants' | 'outcome'>, config: Pick<Configuration, 'schedule'>): string[] {
  return [
    ...Object.keys(suite.invariants),
    ...(suite.outcome !== undefined ? [OUTCOME_INVARIANT] : []),
    HANG_INVARIANT,
    ...(config.schedule !== undefined ? [DEADLOCK_INVARIANT, LIVELOCK_INVARIANT, OUTSIDE_INVARIANT] : []),
  ];
}

export class ConfigGrader {
  readonly #suite: AnySuite;
  readonly #config: Configuration;
  readonly #ctx: SuiteContext;
  readonly #timeoutMs: number;
  readonly #traceEvents: number | undefined;
  readonly #tallies = new Map<string, InvariantTally>();
  /** The suite's invariants, listed once: addTrial runs per trial. */
  readonly #checks: Array<[string, AnySuite['invariants'][string]]>;
  readonly #outcomes = new Map<string, number>();
  readonly #startedAt = performance.now();
  #trials = 0;
  #failedTrials = 0;
  #hangs: { count: number; samples: HangSample[] } = { count: 0, samples: [] };
  #errors: { count: number; samples: ErrorSample[] } = { count: 0, samples: [] };
  #firstDetection: { trial: number; ms: number } | undefined;
  /** The first controlled trial the model could not run (the step bound, a refusal): the configuration stops there (batch-loop.ts). */
  #notControlled: { trial: number; reason: string } | undefined;

  constructor(suite: AnySuite, config: Configuration, timeoutMs: number, traceEvents?: number) {
    this.#suite = suite;
    this.#config = config;
    this.#timeoutMs = timeoutMs;
    this.#traceEvents = traceEvents;
    this.#ctx = { threads: config.threads, params: config.params, variant: config.variant };
    this.#checks = Object.entries(suite.invariants);
    for (const name of gradedInvariants(suite, config)) this.#tallies.set(name, { failures: 0, samples: [] });
  }

  /** Errors so far (actor errors, crashes, suite code errors). */
  get errorCount(): number {
    return this.#errors.count;
  }

  get trials(): number {
    return this.#trials;
  }

  get failedTrials(): number {
    return this.#failedTrials;
  }

  /** Set once a controlled trial could not be run controlled. */
  get notControlled(): { trial: number; reason: string } | undefined {
    return this.#notControlled;
  }

  get detected(): boolean {
    return this.#firstDetection !== undefined;
  }

  /** Grades one finished trial. `trace` is read lazily, only for kept failures. */
  addTrial(trial: number, state: unknown, outcomes: Array<ActorOutcome<unknown>>, trace: () => TraceEvent[], schedule?: ScheduleSample): void {
    this.#trials++;
    // Plain loops here: this runs per trial (in-worker trials: on a trial thread's critical path).
    let errored = -1;
    for (let t = 0; t < outcomes.length; t++) {
      if (!outcomes[t]!.ok) {
        errored = t;
        break;
      }
    }
    if (errored >= 0 && this.#suite.actorErrorsAreFailures !== true) {
      this.#actorError(trial, outcomes, errored);
      return;
    }
    let failed = false;
    const checks = this.#checks;
    for (let i = 0; i < checks.length; i++) {
      const verdict = judged(checks[i]![1], state, outcomes, this.#ctx);
      if (!verdictOk(verdict)) {
        failed = true;
        this.#fail(checks[i]![0], trial, verdict, trace, schedule);
      }
    }
    if (this.#suite.outcome !== undefined) {
      const outcome = this.#suite.outcome;
      let key: string | undefined;
      try {
        const returned = outcome(state, outcomes, this.#ctx);
        settleQuietly(returned);
        key = outcomeKey(returned);
      } catch (err) {
        // Not an outcome of the trial: a failure of the outcome check, whatever was thrown.
        failed = true;
        this.#fail(OUTCOME_INVARIANT, trial, `the outcome function threw ${describeThrown(err)}`, trace, schedule);
      }
      if (key !== undefined) {
        this.#outcomes.set(key, (this.#outcomes.get(key) ?? 0) + 1);
        const g = this.#gradeOf(key);
        if (g.grade === 'forbidden') {
          failed = true;
          this.#fail(OUTCOME_INVARIANT, trial, `forbidden outcome ${key}: ${g.description}`, trace, schedule);
        }
      }
    }
    if (failed) {
      this.#failedTrials++;
      this.#detect(trial);
    }
  }

  /**
   * A trial of a controlled configuration. A finding of the model fails its own harness invariant
   * (the trial's state is mid-way, so the suite's invariants are not asked); a trial past the step
   * bound, or one the model refused, is no verdict at all (notControlled: not counted, and the
   * configuration stops); otherwise it is graded as any trial, and a failure keeps the schedule it
   * failed under.
   */
  addControlledTrial(trial: number, state: unknown, outcomes: Array<ActorOutcome<unknown>>, trace: () => TraceEvent[], c: ControlledTrial): void {
    const schedule: ScheduleSample = { spec: c.spec, steps: c.interleaving ?? [], totalSteps: c.steps, hash: c.hash };
    // An actor that threw its own error (not the model's abort) caused what followed, such as a
    // deadlock of the threads waiting for the lock it held: the error is what to report.
    const own = outcomes.findIndex((o) => !o.ok && o.error.name !== SCHEDULE_ABORT);
    // The model refused the trial (waitAsync, frozen globals): no verdict on the code, as for the step bound below.
    const refused = outcomes.find((o): o is Extract<typeof o, { ok: false }> => !o.ok && o.error.code !== undefined && MODEL_REFUSALS.includes(o.error.code));
    if (refused !== undefined) {
      this.#notControlled ??= { trial, reason: refused.error.message };
      return;
    }
    if (c.finding !== undefined && own >= 0 && this.#suite.actorErrorsAreFailures !== true) {
      this.#trials++;
      this.#actorError(trial, outcomes, own);
      return;
    }
    if (c.finding !== undefined) {
      this.#trials++;
      this.#fail(FINDING_INVARIANT[c.finding.kind], trial, c.finding.message, trace, schedule);
      this.#failedTrials++;
      this.#detect(trial);
      return;
    }
    if (c.tooLong !== undefined) {
      // Too long to run controlled is no verdict on the code: not a trial, not an error; the configuration stops.
      this.#notControlled ??= { trial, reason: c.tooLong };
      return;
    }
    this.addTrial(trial, state, outcomes, trace, schedule);
  }

  #actorError(trial: number, outcomes: Array<ActorOutcome<unknown>>, thread: number): void {
    const o = outcomes[thread] as { ok: false; error: ErrorSample };
    this.#errors.count++;
    if (this.#errors.samples.length < SAMPLES_KEPT) {
      this.#errors.samples.push({ ...o.error, trial, thread, replay: this.#token(trial) });
    }
  }

  /**
   * A controlled trial whose turn holder made no scheduling step for the timeout: it blocked
   * outside the model (the watchdog's finding). Counted like a hang, under its own invariant.
   */
  addOutside(trial: number, message: string, trace: TraceEvent[]): void {
    this.#trials++;
    this.#fail(OUTSIDE_INVARIANT, trial, message, () => trace);
    this.#failedTrials++;
    this.#detect(trial);
  }

  /**
   * A trial that did not finish within the timeout. Counts as a trial that failed "no hang".
   * `interruptedAfterMs`: the run was interrupted while this trial had made no progress for that long.
   */
  addHang(trial: number, waitFor: HangSample['waitFor'], progress: number[], trace: TraceEvent[], interruptedAfterMs?: number): void {
    this.#trials++;
    this.#hangs.count++;
    const tally = this.#tallies.get(HANG_INVARIANT)!;
    tally.failures++;
    const replay = this.#token(trial);
    if (this.#hangs.samples.length < SAMPLES_KEPT) this.#hangs.samples.push({ trial, waitFor, progress, trace, replay });
    if (tally.samples.length < SAMPLES_KEPT) {
      // Lock waits name their holder; other waits (queue, event, barrier, ...) have none.
      const cycle = waitFor.map((w) => `${w.thread} waits for ${w.waitsFor}${w.heldBy === NO_HOLDER ? '' : ` held by ${w.heldBy}`}`).join('; ');
      // Where each thread last passed a yield point: the stuck call, when no primitive wait names it.
      const seen = trace.length > 0 ? `; last seen: ${lastSeenText(trace, this.#config.threads, performance.timeOrigin + performance.now())}` : '';
      tally.samples.push({
        trial,
        details: `${interruptedAfterMs === undefined ? `trial did not finish within ${this.#timeoutMs} ms` : `interrupted while the trial had made no progress for ${Math.round(interruptedAfterMs)} ms (the ${this.#timeoutMs} ms hang timeout not reached)`}${cycle ? `; blocked: ${cycle}` : '; no thread was blocked in a primitive (a busy loop, or a wait outside @shakedown/primitives)'}${seen}`,
        trace,
        replay,
      });
    }
    this.#failedTrials++;
    this.#detect(trial);
  }

  /**
   * A worker died or the batch failed outside any actor (process.exit, out of memory, ...), or the
   * suite's own code on the main thread threw (`name` says which: SetupError, PrepareError, ...).
   */
  addCrash(trial: number, message: string, name = 'WorkerCrash'): void {
    this.#errors.count++;
    if (this.#errors.samples.length < SAMPLES_KEPT) {
      this.#errors.samples.push({ trial, thread: -1, name, message, replay: this.#token(trial) });
    }
  }

  #fail(name: string, trial: number, verdict: InvariantVerdict, trace: () => TraceEvent[], schedule?: ScheduleSample): void {
    const tally = this.#tallies.get(name)!;
    tally.failures++;
    if (tally.samples.length >= SAMPLES_KEPT) return;
    const sample: FailureSample = { trial, details: describeVerdict(verdict), trace: trace(), replay: this.#token(trial, schedule) };
    if (schedule !== undefined) sample.schedule = schedule;
    // Copied now, as plain bounded JSON: typed arrays in a verdict may sit in state memory that later
    // batches reuse (ctx.alloc), and every report must be able to write what is kept.
    if (typeof verdict === 'object') {
      if ('expected' in verdict) sample.expected = safeValue(verdict.expected);
      if ('observed' in verdict) sample.observed = safeValue(verdict.observed);
    }
    tally.samples.push(sample);
  }

  /**
   * One batch's trials graded elsewhere by the same rules (in-worker trials: each worker's own
   * ConfigGrader graded some of them): their counts added to this configuration's, their samples
   * kept in trial order while there is room (batches come in trial order, the parts of one batch
   * interleave), the first detection taken as found now.
   */
  absorb(parts: ConfigResult[]): void {
    const byTrial = <T extends { trial: number }>(a: T, b: T): number => a.trial - b.trial;
    for (const part of parts) {
      this.#trials += part.trials;
      this.#failedTrials += part.failedTrials;
      for (const o of part.outcomes) this.#outcomes.set(o.outcome, (this.#outcomes.get(o.outcome) ?? 0) + o.count);
      this.#errors.count += part.errors.count;
    }
    for (const [name, tally] of this.#tallies) {
      const found = parts.flatMap((p) => p.invariants.find((i) => i.name === name) ?? []);
      for (const inv of found) tally.failures += inv.failures;
      for (const sample of found.flatMap((i) => i.samples).sort(byTrial)) if (tally.samples.length < SAMPLES_KEPT) tally.samples.push(sample);
    }
    for (const sample of parts.flatMap((p) => p.errors.samples).sort(byTrial)) if (this.#errors.samples.length < SAMPLES_KEPT) this.#errors.samples.push(sample);
    const detected = parts.map((p) => p.firstDetection?.trial).filter((t): t is number => t !== undefined);
    if (detected.length > 0) this.#detect(Math.min(...detected));
  }

  #detect(trial: number): void {
    if (this.#firstDetection === undefined) {
      this.#firstDetection = { trial, ms: performance.now() - this.#startedAt };
    }
  }

  #gradeOf(key: string): OutcomeGrade {
    // Own keys only: an outcome named "constructor" or "toString" is not a grade.
    const grading = this.#suite.grading;
    const listed = grading !== undefined && Object.hasOwn(grading, key) ? grading[key] : undefined;
    return listed ?? this.#suite.otherwise ?? { grade: 'acceptable', description: 'not graded' };
  }

  /** A controlled trial's token carries its schedule (spec and interleaving hash): replay runs exactly that interleaving. */
  #token(trial: number, schedule?: ScheduleSample): string {
    return encodeReplay(this.#config, trial, this.#timeoutMs, this.#traceEvents, schedule !== undefined ? { spec: schedule.spec, hash: schedule.hash } : undefined);
  }

  result(durationMs: number): ConfigResult {
    const invariants: InvariantResult[] = [];
    for (const [name, t] of this.#tallies) {
      const trials = this.#trials;
      invariants.push({
        name,
        trials,
        failures: t.failures,
        rate: trials === 0 ? 0 : t.failures / trials,
        interval: wilson(t.failures, trials),
        status: invariantStatus(t.failures, trials),
        samples: t.samples,
      });
    }
    const outcomes: OutcomeCount[] = [...this.#outcomes].map(([outcome, count]) => {
      const g = this.#gradeOf(outcome);
      return { outcome, count, grade: g.grade, description: g.description };
    });
    outcomes.sort(byCountThenName);
    const counts = { trials: this.#trials, invariants, hangs: this.#hangs, errors: this.#errors };
    const status = configStatus(counts);
    const failedTrials = this.#failedTrials;
    const result: ConfigResult = {
      config: this.#config,
      status,
      trials: this.#trials,
      failedTrials,
      invariants,
      outcomes,
      hangs: this.#hangs,
      errors: this.#errors,
      durationMs,
    };
    if (this.#notControlled !== undefined) result.notControlled = this.#notControlled;
    if (status === 'skipped') {
      // Zero trials held nothing: never report them as a pass (a stop before the first batch).
      result.skippedReason =
        this.#notControlled !== undefined ? `cannot run controlled (trial ${this.#notControlled.trial}): ${this.#notControlled.reason}` : 'no trial ran (stopped before the first batch)';
      return result;
    }
    if (this.#config.canary) result.canaryVerdict = canaryCaught(counts) ? 'caught' : 'survived';
    if (this.#firstDetection !== undefined) result.firstDetection = this.#firstDetection;
    return result;
  }
}

/** The invariant's verdict; whatever it throws or returns, a verdict (never an exception). No closure: this runs per trial. */
function judged(check: AnySuite['invariants'][string], state: unknown, outcomes: Array<ActorOutcome<unknown>>, ctx: SuiteContext): InvariantVerdict {
  let returned: unknown;
  try {
    returned = check(state, outcomes, ctx);
  } catch (err) {
    return `the invariant threw ${describeThrown(err)}`;
  }
  // An async invariant: reported as the wrong type below; its rejection must not end the run.
  settleQuietly(returned);
  return checkedVerdict(returned);
}

/**
 * Suite code is user code: a verdict of the wrong type is reported as such, never trusted or
 * crashed on. An object verdict is read once, here, into a plain object (its getters or Proxy
 * traps may throw, or answer differently on a second read).
 */
function checkedVerdict(v: unknown): InvariantVerdict {
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  try {
    if (typeof v === 'object' && v !== null) {
      const ok = (v as { ok?: unknown }).ok;
      if (ok === true) return true;
      if (ok === false) {
        const read = v as { expected?: unknown; observed?: unknown; details?: unknown };
        const out: { ok: false; expected?: unknown; observed?: unknown; details?: string } = { ok: false };
        if ('expected' in read) out.expected = read.expected;
        if ('observed' in read) out.observed = read.observed;
        if (read.details !== undefined) out.details = typeof read.details === 'string' ? cut(read.details, DETAILS_CAP) : showValue(read.details);
        return out;
      }
    }
  } catch (err) {
    return `the invariant's verdict could not be read: ${describeThrown(err)}`;
  }
  return `invariant returned ${showValue(v, 200)}; expected true/false, a string (failed, with reason) or { ok: boolean, ... }`;
}

/** A failing verdict in words, bounded: a verdict's own text can be as long as its author made it. */
function describeVerdict(v: InvariantVerdict): string {
  if (typeof v === 'string') return cut(v, DETAILS_CAP);
  if (typeof v === 'boolean') return 'invariant returned false';
  const parts: string[] = [];
  if (v.details !== undefined) parts.push(v.details);
  if ('expected' in v || 'observed' in v) parts.push(`expected ${showValue(v.expected)}, observed ${showValue(v.observed)}`);
  return parts.join('; ') || 'invariant failed';
}

/** The outcome function's key: a string as it is (bounded), anything else shown in words. */
function outcomeKey(v: unknown): string {
  if (typeof v === 'string') return cut(v, OUTCOME_KEY_CAP);
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  return showValue(v, OUTCOME_KEY_CAP);
}

/** Outcomes most frequent first; equal counts by name, so a merge of slices orders ties as one run does. */
export function byCountThenName(a: OutcomeCount, b: OutcomeCount): number {
  return b.count - a.count || (a.outcome < b.outcome ? -1 : a.outcome > b.outcome ? 1 : 0);
}

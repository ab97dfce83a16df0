/**
 * Explaining a controlled configuration's failures (docs/design/controlled-scheduling.md 4.1, 6.4),
 * on the main thread, once its batches have ended. For the first failing sample of each failing
 * invariant (the model's findings included):
 * 1. rerun that trial (same index and seed, its spec) with logging: the whole interleaving, and
 *    its switch list (the decisions that differ from the non-preemptive default). Logs exist only
 *    for reruns of a single trial: every trial of a batch overwrites the control buffer's.
 * 2. shrink the switch list (schedule/shrink.ts) while the rerun still fails THE SAME invariant
 *    with no error and no hang;
 * 3. rerun the shrunk list once with logging, and put that run's sample in place of the first:
 *    its details, its interleaving (words named from the state), its spec, hash and token.
 * Bounded per configuration: EXPLAIN_MAX_RERUNS reruns or EXPLAIN_MAX_MS, whichever comes first.
 */
import type { ConfigResult, FailureSample } from '../grade/results.js';
import type { ScheduleSpec } from '../schedule/types.js';
import type { ControlledTrial } from './schedule-dispatch.js';
import { type Switch, shrinkSwitches } from '../schedule/shrink.js';
import { MAX_SWITCHES } from '../record/token-schedule.js';

/** Reruns one configuration spends explaining its failures, at most. */
export const EXPLAIN_MAX_RERUNS = 400;
/** Wall time one configuration spends explaining its failures, at most (ms; the final logged reruns may end after it). */
export const EXPLAIN_MAX_MS = 2000;
/** Reruns kept back for the end of each explanation: the logged run of the shrunk list, and of its exact decisions if they differ. */
const FINAL_RERUNS = 2;

export interface ExplainLimits {
  maxReruns: number;
  maxMs: number;
}

/** One trial run again, alone: its graded result (one trial) and its schedule. */
export interface TrialRerun {
  result: ConfigResult;
  trial?: ControlledTrial;
}

/** Runs trial `trial` of the configuration again under `spec`; `log`: keep its whole interleaving and switch list. */
export type RerunTrial = (spec: ScheduleSpec, trial: number, log: boolean) => Promise<TrialRerun>;

/** What explaining one sample did, for tests, benchmarks and the curious. */
export interface Explanation {
  invariant: string;
  trial: number;
  /**
   * shrunk: the sample now shows the shrunk schedule. logged: the budget ended before shrinking
   * (or the switch list is too long for a token): it shows the original schedule's interleaving.
   * not-reproduced: the rerun did not fail the same way (setup() or the suite is not deterministic).
   * skipped: no budget was left, or the run is stopping.
   */
  outcome: 'shrunk' | 'logged' | 'not-reproduced' | 'skipped';
  /** Switches of the failing trial's decisions, and of the shrunk list. */
  switchesBefore?: number;
  switchesAfter?: number;
  preemptionsBefore?: number;
  preemptionsAfter?: number;
  stepsBefore?: number;
  stepsAfter?: number;
  /** Reruns this sample took, all of them (the logged ones included). */
  reruns: number;
  ms: number;
}

/** A rerun failed `invariant`, and nothing else went wrong in it. */
function failsSame(r: TrialRerun, invariant: string): boolean {
  const inv = r.result.invariants.find((i) => i.name === invariant);
  return inv !== undefined && inv.failures > 0 && r.result.errors.count === 0 && r.result.hangs.count === 0 && r.trial !== undefined;
}

function sameList(a: readonly Switch[], b: readonly Switch[]): boolean {
  return a.length === b.length && a.every(([s, t], i) => b[i]![0] === s && b[i]![1] === t);
}

/**
 * Explains the first failing sample of each failing invariant of `result` in place (each gets its
 * interleaving, shrunk spec and token). Returns what was done, sample by sample.
 */
export async function explainFailures(result: ConfigResult, rerun: RerunTrial, limits: ExplainLimits, shouldStop: () => boolean = () => false): Promise<Explanation[]> {
  const deadline = performance.now() + limits.maxMs;
  let spent = 0;
  // A rerun may start when it leaves FINAL_RERUNS for the end of the explanation, before the deadline.
  const mayStart = (): boolean => spent + 1 + FINAL_RERUNS <= limits.maxReruns && performance.now() < deadline && !shouldStop();
  const counted: RerunTrial = async (spec, trial, log) => {
    spent++;
    return rerun(spec, trial, log);
  };
  const out: Explanation[] = [];
  for (const inv of result.invariants) {
    const sample = inv.samples[0];
    if (inv.failures === 0 || sample?.schedule === undefined) continue;
    const started = performance.now();
    const before = spent;
    const e = await explainOne(inv.name, sample, counted, mayStart);
    if (e.replacement !== undefined) inv.samples[0] = e.replacement;
    out.push({ ...e.explanation, invariant: inv.name, trial: sample.trial, reruns: spent - before, ms: Math.round(performance.now() - started) });
  }
  return out;
}

type Partial_ = Omit<Explanation, 'invariant' | 'trial' | 'reruns' | 'ms'>;

async function explainOne(invariant: string, sample: FailureSample, rerun: RerunTrial, mayStart: () => boolean): Promise<{ explanation: Partial_; replacement?: FailureSample }> {
  const spec = sample.schedule!.spec;
  if (!mayStart()) return { explanation: { outcome: 'skipped' } };
  const logged = await rerun(spec, sample.trial, true);
  if (!failsSame(logged, invariant)) return { explanation: { outcome: 'not-reproduced' } };
  const loggedSample = sampleOf(logged, invariant);
  const first = logged.trial!;
  const start = first.switches ?? [];
  const before = { switchesBefore: start.length, preemptionsBefore: first.preemptions, stepsBefore: first.steps };
  if (start.length > MAX_SWITCHES) return { explanation: { outcome: 'logged', ...before }, replacement: loggedSample };

  const shrunk = await shrinkSwitches(start, first, async (switches) => {
    if (!mayStart()) return null;
    const r = await rerun({ kind: 'switches', switches: switches.map(([s, t]) => [s, t]) }, sample.trial, false);
    return { fails: failsSame(r, invariant), preemptions: r.trial?.preemptions ?? 0, steps: r.trial?.steps ?? 0 };
  });

  // The shrunk list, logged; then its exact decisions if they differ (an entry the default makes
  // anyway, or one that no longer fit): the list the token carries is the one the run made.
  let final = await rerun(switchesSpec(shrunk.switches), sample.trial, true);
  if (failsSame(final, invariant) && !sameList(final.trial!.switches ?? [], shrunk.switches)) {
    const exact = await rerun(switchesSpec(final.trial!.switches ?? []), sample.trial, true);
    if (failsSame(exact, invariant)) final = exact;
  }
  if (!failsSame(final, invariant)) return { explanation: { outcome: 'logged', ...before }, replacement: loggedSample };
  const t = final.trial!;
  const after = { switchesAfter: t.spec.kind === 'switches' ? t.spec.switches.length : 0, preemptionsAfter: t.preemptions, stepsAfter: t.steps };
  return { explanation: { outcome: shrunk.exhausted && shrunk.switches.length === start.length ? 'logged' : 'shrunk', ...before, ...after }, replacement: sampleOf(final, invariant) };
}

function switchesSpec(switches: readonly Switch[]): ScheduleSpec {
  return { kind: 'switches', switches: switches.map(([s, t]): [number, number] => [s, t]) };
}

function sampleOf(r: TrialRerun, invariant: string): FailureSample {
  return r.result.invariants.find((i) => i.name === invariant)!.samples[0]!;
}

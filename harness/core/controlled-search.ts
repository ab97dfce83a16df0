/**
 * After a free-running failure: a bounded search of controlled schedules of the same
 * configuration for one that fails the same invariant (docs/design/controlled-scheduling.md,
 * section 6.2). A free failure's token replays only at the failure's base rate, since the seed
 * fixes the jitter, not the OS scheduler; a controlled failure's token replays it every time. So
 * when the search finds one, the free failure's first sample carries that token beside its own;
 * when it does not, the sample says how many schedules were tried, and why that can happen.
 *
 * The search runs the configuration `--schedule ctl` would plan for the same (suite, variant,
 * params, impl, threads): same key, same seed, trials numbered from 0, so its tokens are exactly
 * those of a `--schedule ctl` run. It runs on all cores even for a pinned free configuration:
 * under control one thread runs at a time, so pinning changes nothing.
 */
import { executeConfiguration } from './execute/executor.js';
import type { WorkerGroups } from './execute/pools.js';
import type { AnySuite } from './plan/load-suite.js';
import { configKey } from './plan/plan.js';
import { CONTROLLED_CORES, CONTROLLED_JITTER } from './plan/schedule-axis.js';
import type { ConfigResult, Configuration, ControlledReproduction, FailureSample, InvariantResult } from './grade/results.js';
import { DEADLOCK_INVARIANT, HANG_INVARIANT, LIVELOCK_INVARIANT } from './grade/harness-invariants.js';
import type { ScheduleName } from './schedule/types.js';

/** The controlled schedule searched: the portfolio, since no single strategy finds every bug (design, section 4). */
export const SEARCH_SCHEDULE: Exclude<ScheduleName, 'free'> = 'ctl';
/** Time-budgeted runs: the search takes at most this long... */
export const SEARCH_MAX_MS = 2000;
/** ...and at most this fraction of the configuration's share of the budget. */
export const SEARCH_SHARE_FRACTION = 0.25;
/**
 * Runs with a trial count (--runs), and the cap in every run: controlled trials at most. Measured
 * (design, section 4): a check-then-set bug fails within a median 2 and at worst 12 random-walk
 * schedules, so 2,000 leaves a wide margin while bounding a miss to seconds.
 */
export const SEARCH_MAX_TRIALS = 2000;

/**
 * What a run shares across its configurations (and a soak's passes) for the search: the answers
 * so far, by controlled configuration key, then by free invariant name. Every free configuration
 * of one (suite, variant, threads), whatever its cores and jitter, has the same controlled twin,
 * whose trials are deterministic: each invariant is searched once per run, and later free
 * configurations (and soak passes) that fail it reuse the answer.
 */
export interface ControlledSearchState {
  readonly answers: Map<string, Map<string, ControlledReproduction>>;
}

export function newSearchState(): ControlledSearchState {
  return { answers: new Map() };
}

export interface ControlledSearchOptions {
  timeoutMs: number;
  traceEvents: number;
  /** The free configuration's share of a time budget (ms); absent for a --runs budget (the search is then bounded by trials only). */
  shareMs?: number;
  groups?: WorkerGroups;
  /** The run is stopping: no search starts, and one under way is dropped (a partial "not found" would mislead). */
  signal?: AbortSignal;
}

/**
 * The configuration `--schedule ctl` would plan for the same (suite, variant, params, impl,
 * threads) as `free`: at the controlled cores and jitter, with its key from the plan's configKey.
 */
export function controlledTwin(free: Configuration, schedule: Exclude<ScheduleName, 'free'> = SEARCH_SCHEDULE): Configuration {
  const twin: Configuration = {
    ...free,
    key: configKey({ suite: free.suite, variant: free.variant, threads: free.threads, cores: CONTROLLED_CORES, jitter: CONTROLLED_JITTER, schedule }),
    cores: CONTROLLED_CORES,
    jitter: CONTROLLED_JITTER,
    schedule,
  };
  return twin;
}

/**
 * The invariants of a finished free configuration the search looks for: each that failed and kept
 * a sample. Harness errors alone (actors that threw, crashes) are no invariant failure, so they
 * start no search.
 */
export function searchTargets(result: ConfigResult): InvariantResult[] {
  return result.invariants.filter((i) => i.failures > 0 && i.samples.length > 0);
}

/**
 * The controlled invariants that stand for a free one: the same name, or for a free hang, a
 * controlled deadlock, lost wakeup or livelock (the model finds those the instant they happen).
 */
function matchingInvariants(free: string): string[] {
  return free === HANG_INVARIANT ? [DEADLOCK_INVARIANT, LIVELOCK_INVARIANT] : [free];
}

/** Whether the free configuration's result calls for a search (or a reused answer): free-running, failed an invariant, and the run is not stopping. */
export function shouldSearch(result: ConfigResult, signal?: AbortSignal): boolean {
  return result.config.schedule === undefined && !(signal?.aborted ?? false) && searchTargets(result).length > 0;
}

/**
 * Searches controlled schedules for the free configuration's failures and returns its result with
 * each failing invariant's first sample annotated (`controlled`): found, or not in N schedules.
 * Returns `free` unchanged when the run was stopped during the search.
 *
 * The search runs in chunks that each stop at their first failing controlled trial (maxFailures
 * 1), numbering trials on from the last chunk, until every target is matched or the bound is
 * spent: a controlled trial may fail another invariant first, and the search goes on past it.
 */
export async function searchControlled(suite: AnySuite, free: ConfigResult, state: ControlledSearchState, o: ControlledSearchOptions): Promise<ConfigResult> {
  const twin = controlledTwin(free.config);
  const answers = state.answers.get(twin.key) ?? new Map<string, ControlledReproduction>();
  state.answers.set(twin.key, answers);
  const targets = searchTargets(free).filter((inv) => !answers.has(inv.name));
  if (targets.length > 0) {
    const searched = await search(suite, twin, targets, o);
    // A stopped search answers nothing: a partial "not found" would mislead.
    if (searched === undefined) return free;
    for (const [name, answer] of searched) answers.set(name, answer);
  }
  const invariants = free.invariants.map((inv) => {
    const answer = inv.failures > 0 ? answers.get(inv.name) : undefined;
    const [first, ...rest] = inv.samples;
    return answer === undefined || first === undefined ? inv : { ...inv, samples: [{ ...first, controlled: answer }, ...rest] };
  });
  return { ...free, invariants };
}

/** The search proper: each target's answer, or undefined when the run was stopped during it. */
async function search(suite: AnySuite, twin: Configuration, targets: InvariantResult[], o: ControlledSearchOptions): Promise<Map<string, ControlledReproduction> | undefined> {
  const started = performance.now();
  const maxMs = o.shareMs !== undefined ? Math.min(SEARCH_MAX_MS, SEARCH_SHARE_FRACTION * o.shareMs) : Infinity;
  const deadline = started + maxMs;
  const stopping = (): boolean => o.signal?.aborted ?? false;
  const found = new Map<string, FailureSample>();
  let trials = 0;
  while (found.size < targets.length && trials < SEARCH_MAX_TRIALS && !stopping()) {
    const msLeft = deadline - performance.now();
    if (msLeft <= 0) break;
    const chunk = await executeConfiguration(suite, twin, {
      timeoutMs: o.timeoutMs,
      traceEvents: o.traceEvents,
      budget: { runs: SEARCH_MAX_TRIALS - trials, ...(Number.isFinite(msLeft) ? { timeMs: msLeft } : {}) },
      firstTrial: trials,
      maxFailures: 1,
      shouldStop: stopping,
      ...(o.groups ? { groups: o.groups } : {}),
    });
    trials += chunk.trials;
    for (const target of targets) {
      if (found.has(target.name)) continue;
      const sample = firstControlledFailure(chunk, matchingInvariants(target.name));
      if (sample !== undefined) found.set(target.name, sample);
    }
    // No trial ran (setup or prepare threw, or the stop came first), or the configuration gave up
    // after repeated hangs outside the model: going on would only repeat that.
    if (chunk.trials === 0 || chunk.stoppedAtRecoveries !== undefined) break;
  }
  if (stopping()) return undefined;
  const ms = Math.round(performance.now() - started);
  const out = new Map<string, ControlledReproduction>();
  for (const target of targets) {
    const sample = found.get(target.name);
    // The controlled trials up to and including the one that failed (trials are numbered from 0), or every one tried.
    out.set(target.name, sample?.schedule !== undefined ? { replay: sample.replay, schedule: sample.schedule, schedules: sample.trial + 1, ms } : { schedules: trials, ms });
  }
  return out;
}

/**
 * The earliest failing trial's sample among `names` in a controlled chunk's result. Only a sample
 * with its schedule: its token then carries the spec, and replays that interleaving exactly.
 */
function firstControlledFailure(chunk: ConfigResult, names: string[]): FailureSample | undefined {
  let best: FailureSample | undefined;
  for (const inv of chunk.invariants) {
    if (!names.includes(inv.name)) continue;
    const s = inv.samples.find((x) => x.schedule !== undefined);
    if (s !== undefined && (best === undefined || s.trial < best.trial)) best = s;
  }
  return best;
}

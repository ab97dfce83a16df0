/**
 * The scheduler seam of controlled scheduling: how a controlled trial picks the next thread at
 * each step (docs/design/controlled-scheduling.md, section 4). Pure: no Node API, no shared
 * memory of its own. A strategy is a function of (its spec, the view of the step, its state); the
 * state lives in words the caller provides (in a trial, words of the control buffer), so whichever
 * worker holds the turn decides from what the previous decider left, and a trial replays exactly.
 *
 * Also: the 'ctl' portfolio (which spec trial i runs) and schedule names ('ctl', 'random', 'pct:3').
 */
import type { ScheduleName, ScheduleSpec } from './types.js';

/** What a strategy sees at one step. */
export interface SchedulerView {
  /** The step being decided, from 0. */
  step: number;
  /** The thread whose point this decision is made at (it may be blocked or done); -1 for decision 0. */
  current: number;
  /** Threads that can run now, ascending. Never empty when next() is called. */
  runnable: readonly number[];
  /** The blocked thread with the earliest pending timeout, when it may be fired now (its deadline is near: the model decides), or -1. */
  earliestTimeout: number;
  threads: number;
  /**
   * Steps since the last write that changed a value. A strategy that favours one thread (PCT,
   * non-preemptive) demotes it every FAIRNESS_SPAN idle steps, so a correct spin-wait on a
   * lower-priority holder is not starved into a false livelock (see defaultPick).
   */
  idleSteps: number;
  /**
   * Decisions in a row that let `current` go on while another thread could run. A strategy that
   * favours one thread lets the next run once this reaches STARVATION_SPAN, so a spin-wait that
   * writes (a spin counter) cannot starve the holder it waits for until the step bound.
   */
  streak: number;
  /**
   * The most decisions any runnable thread other than `current` has waited since it last ran (or
   * woke). A strategy that favours some threads lets the others run once this reaches
   * HELD_OFF_SPAN: two favoured threads taking turns, each making progress (a spinner, and a
   * retrier whose 1 ms timeouts keep firing), must not starve a runnable lower-priority holder for
   * ever, which no real scheduler does.
   */
  heldOff: number;
}

/** A decision: the thread to run, or fire the timeout of `fire` (must be view.earliestTimeout). */
export type Decision = number | { fire: number };

/** Words a strategy keeps between steps; in a trial, slots of the control buffer (control-words.ts). */
export interface StrategyState {
  load(slot: number): number;
  store(slot: number, value: number): void;
}

/** One strategy behind the seam. New ones (delay bounding, await points, ...) implement this. */
export interface Scheduler {
  /** Before decision 0: draw what the strategy keeps (PCT's priorities and change points). */
  init(state: StrategyState, threads: number): void;
  /** The next decision. A strategy told to run a thread that cannot (a stale switch list) notes it in DIVERGED_SLOT. */
  next(view: SchedulerView, state: StrategyState): Decision;
}

/** Highest PCT depth accepted: its change points take this many state slots. */
export const MAX_PCT_DEPTH = 16;
/** State slot where a strategy records the first step (+1) at which it diverged; 0 = never. */
export const DIVERGED_SLOT = 0;
/** State slot of PCT's lowest priority handed out so far by a fairness demotion. */
const LOWEST_SLOT = 1;
/** PCT's change points: MAX_PCT_DEPTH - 1 slots from here. */
const CHANGE_POINT_SLOT = 2;
/** PCT's per-thread priorities from here. */
const PRIORITY_SLOT = CHANGE_POINT_SLOT + MAX_PCT_DEPTH;

/** Slots a strategy may use for `threads` threads: the control buffer reserves this many. */
export function strategyStateSlots(threads: number): number {
  return PRIORITY_SLOT + threads;
}

/**
 * Idle steps (no write changed a value) after which a strategy that favours the current thread
 * lets the next one run: a thread spinning on a word only another, lower-priority thread can
 * change would otherwise spin until the livelock bound, a false finding.
 */
export const FAIRNESS_SPAN = 64;

/**
 * Steps one thread may run alone while another could run, before a strategy that favours it lets
 * another run. Long enough for PCT to let a waiter spin its whole spin phase (primitives spin about
 * 200 times before they sleep) and far below the step bound.
 */
export const STARVATION_SPAN = 1024;

/**
 * Decisions a runnable thread may be passed over before the favoured ones give way (heldOff).
 * Above STARVATION_SPAN, so it only acts where that rule cannot: threads taking turns. Found as a
 * false alarm: PCT ran a semaphore's spinner and its 1 ms retrier in turn, firing the retrier's
 * timeouts early for seconds of virtual time, while the low-priority permit holder never ran.
 */
export const HELD_OFF_SPAN = 4096;

/**
 * The idle spans PCT gives way after, by seed: a short one keeps spin-waits cheap, the longer ones
 * let a waiter finish a spin phase of a few hundred reads before it sleeps (a bug that needs the
 * waiter to sleep on a value it read long ago: with 64 alone, never found at 2 threads).
 */
export const PCT_FAIRNESS_SPANS: readonly number[] = [FAIRNESS_SPAN, 256, 1024];

/** The idle span of a PCT run with this seed. */
export function pctFairnessSpan(seed: number): number {
  return PCT_FAIRNESS_SPANS[mix(seed, 0xfa1e) % PCT_FAIRNESS_SPANS.length]!;
}

/**
 * The favoured thread has run long enough: it spun `span` steps changing nothing, or
 * STARVATION_SPAN steps while others waited, or another runnable thread has waited HELD_OFF_SPAN.
 */
function owesTurn(v: SchedulerView, span = FAIRNESS_SPAN): boolean {
  if (v.runnable.length < 2) return false;
  return (v.idleSteps > 0 && v.idleSteps % span === 0) || v.streak >= STARVATION_SPAN || v.heldOff >= HELD_OFF_SPAN;
}

/** Deterministic 32-bit mix of (seed, a, b) (a murmur3-style finaliser). */
export function mix(seed: number, a: number, b = 0): number {
  let h = (seed ^ Math.imul(a + 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of a string, 32 bits: turns the run's seed text into a number. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The non-preemptive choice, which the 'switches' strategy makes at every unlisted step and which
 * the decision log compares against (a decision that differs is a switch a shrunk list must keep):
 * the current thread goes on while it can, except every FAIRNESS_SPAN idle steps; otherwise the
 * next runnable thread after it, round-robin.
 */
export function defaultPick(v: SchedulerView): number {
  if (v.runnable.includes(v.current) && !owesTurn(v)) return v.current;
  return v.runnable.find((t) => t > v.current) ?? v.runnable[0]!;
}

/**
 * The chance a strategy fires the earliest timeout while threads are runnable: 1 in (8 x runnable).
 * That is how "the timeout races the release" gets explored; with nothing runnable it always fires.
 */
function firesTimeout(seed: number, v: SchedulerView): boolean {
  return v.earliestTimeout >= 0 && mix(seed, v.step, 0x7111) % (8 * v.runnable.length) === 0;
}

/** A uniformly drawn runnable thread at each step. */
class RandomWalk implements Scheduler {
  constructor(readonly seed: number) {}
  init(): void {}
  next(v: SchedulerView): Decision {
    if (firesTimeout(this.seed, v)) return { fire: v.earliestTimeout };
    return v.runnable[mix(this.seed, v.step) % v.runnable.length]!;
  }
}

/**
 * PCT (Burckhardt et al., ASPLOS 2010): distinct priorities depth .. depth+n-1 from a seeded
 * permutation, depth-1 change points uniform in [1, steps]; at the j-th change point the current
 * thread drops to depth-1-j. The highest-priority runnable thread runs.
 */
class Pct implements Scheduler {
  /** This run's idle fairness span (pctFairnessSpan), drawn once: next() runs at every decision. */
  readonly #fairnessSpan: number;
  constructor(
    readonly seed: number,
    readonly depth: number,
    readonly steps: number,
  ) {
    this.#fairnessSpan = pctFairnessSpan(seed);
  }

  init(state: StrategyState, threads: number): void {
    const order = Array.from({ length: threads }, (_, i) => i);
    for (let i = threads - 1; i > 0; i--) {
      const j = mix(this.seed, 7777, i) % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let t = 0; t < threads; t++) state.store(PRIORITY_SLOT + t, this.depth + order[t]!);
    for (let j = 0; j < this.depth - 1; j++) state.store(CHANGE_POINT_SLOT + j, 1 + (mix(this.seed, 5555, j) % Math.max(1, this.steps)));
    state.store(LOWEST_SLOT, 0);
  }

  next(v: SchedulerView, state: StrategyState): Decision {
    if (v.current >= 0) {
      for (let j = 0; j < this.depth - 1; j++) {
        if (state.load(CHANGE_POINT_SLOT + j) === v.step) state.store(PRIORITY_SLOT + v.current, this.depth - 1 - j);
      }
      // Fairness: the favoured thread has spun changing nothing, or run too long alone; it goes below everyone.
      if (owesTurn(v, this.#fairnessSpan) && v.runnable.includes(v.current)) {
        const lowest = state.load(LOWEST_SLOT) - 1;
        state.store(LOWEST_SLOT, lowest);
        state.store(PRIORITY_SLOT + v.current, lowest);
      }
    }
    if (firesTimeout(this.seed, v)) return { fire: v.earliestTimeout };
    let pick = v.runnable[0]!;
    for (const t of v.runnable) if (state.load(PRIORITY_SLOT + t) > state.load(PRIORITY_SLOT + pick)) pick = t;
    return pick;
  }
}

/**
 * Non-preemptive (defaultPick) except at the listed (step, thread) entries. An entry naming the
 * thread with the earliest timeout fires that timeout. An entry naming a thread that can do
 * neither means the code no longer fits the list: the step is recorded (DIVERGED_SLOT) and the
 * default runs.
 */
class Switches implements Scheduler {
  readonly #at: Map<number, number>;
  constructor(switches: ReadonlyArray<readonly [number, number]>) {
    this.#at = new Map(switches.map(([step, thread]) => [step, thread]));
  }
  init(): void {}
  next(v: SchedulerView, state: StrategyState): Decision {
    const want = this.#at.get(v.step);
    if (want !== undefined) {
      if (v.runnable.includes(want)) return want;
      if (want === v.earliestTimeout) return { fire: want };
      if (state.load(DIVERGED_SLOT) === 0) state.store(DIVERGED_SLOT, v.step + 1);
    }
    return defaultPick(v);
  }
}

export function schedulerFor(spec: ScheduleSpec): Scheduler {
  switch (spec.kind) {
    case 'random':
      return new RandomWalk(spec.seed >>> 0);
    case 'pct':
      return new Pct(spec.seed >>> 0, Math.min(MAX_PCT_DEPTH, Math.max(1, spec.depth)), spec.steps);
    case 'switches':
      return new Switches(spec.switches);
  }
}

/** The 'ctl' portfolio: trial i runs member i mod 3. No single strategy wins (design, section 4). */
const PORTFOLIO: ReadonlyArray<Exclude<ScheduleName, 'free' | 'ctl'>> = ['random', 'pct:2', 'pct:3'];

/**
 * The spec trial `trial` of a controlled configuration runs under: deterministic from the run's
 * seed, the configuration key and the trial, so a token's (seed, key, trial) gives it back.
 * `pctSteps`: PCT's k, the measured length of earlier trials (the executor's estimate).
 */
export function specFor(schedule: Exclude<ScheduleName, 'free'>, seed: string, configKey: string, trial: number, pctSteps: number): ScheduleSpec {
  const member = schedule === 'ctl' ? PORTFOLIO[trial % PORTFOLIO.length]! : schedule;
  const trialSeed = mix(hashText(`${seed}/${configKey}`), trial, trial / 0x100000000);
  if (member === 'random') return { kind: 'random', seed: trialSeed };
  return { kind: 'pct', seed: trialSeed, depth: pctDepthOf(member), steps: Math.max(1, Math.round(pctSteps)) };
}

function pctDepthOf(name: `pct:${number}`): number {
  return Number(name.slice(4));
}

/** Parses a schedule name ('free', 'ctl', 'random', 'pct:3'); throws a RangeError naming what is accepted. */
export function parseScheduleName(text: string): ScheduleName {
  const t = text.trim();
  if (t === 'free' || t === 'ctl' || t === 'random') return t;
  const m = /^pct:(\d+)$/.exec(t);
  if (m !== null) {
    const depth = Number(m[1]);
    if (depth >= 1 && depth <= MAX_PCT_DEPTH) return `pct:${depth}`;
  }
  throw new RangeError(`unknown schedule "${text}": expected free, ctl, random or pct:<depth 1-${MAX_PCT_DEPTH}>`);
}

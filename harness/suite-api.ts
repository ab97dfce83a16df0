/**
 * What a suite module is. A suite file default-exports `defineSuite({...})`;
 * the harness loads it by path in the main thread (setup, invariants) and in
 * every worker (actor). Suites import only this file and the primitives; the
 * conformance suites also import harness/contract, the contract of the
 * implementations they validate.
 */
import type { Placement } from '@shakedown/primitives';
import type { ImplKind } from './contract/types.js';

/** Parameters are plain JSON values, so they fit in a replay token. */
export type Params = Record<string, number | string | boolean>;

export interface SuiteContext<P extends Params = Params> {
  /** Threads in this trial (each runs the actor once). */
  threads: number;
  params: P;
  variant: string;
}

/**
 * What `setup` gets: the suite context plus shared memory for the trial's state.
 * Memory from `alloc` / `int32` is zeroed, 64-byte aligned, and packed with the
 * other trials of its batch into a few buffers that are reused by later batches:
 * much cheaper than a `new SharedArrayBuffer` per trial, but valid only until the
 * trial is graded (an actor must not keep using it after it returns).
 */
export interface SetupContext<P extends Params = Params> extends SuiteContext<P> {
  /**
   * The trial's index within its configuration, as the actors' `ctx.trial` (the same trial's
   * index again when `stress replay` reruns it): a suite that varies its workload by trial
   * (conformance/queue's roles, conformance/semaphore's permits) decides it from this, here.
   */
  trial: number;
  /** `bytes` of shared memory, as a placement for a primitive's `at` option or a typed array. */
  alloc(bytes: number): Placement;
  /** `length` zeroed Int32 words of shared memory. */
  int32(length: number): Int32Array;
}

export interface ActorContext<P extends Params = Params> extends SuiteContext<P> {
  /** This thread's index, 0 .. threads - 1. */
  thread: number;
  /** The trial's index within its configuration. */
  trial: number;
  /** Per-trial timeout in ms: give blocking calls a timeout below it where a hang is not the point. */
  timeoutMs: number;
  /**
   * Random numbers in [0, 1) for the actor's own choices, seeded from the run's seed, the
   * configuration, the trial and the thread (the harness's one random seam): use it instead of
   * Math.random so that `stress replay` makes the same choices.
   */
  random: () => number;
  /**
   * Whether thread `t` of this trial sleeps in Atomics.wait at this moment (free-running: from just
   * before the call until it returns, as the harness's wait recorder publishes it; controlled:
   * blocked in the model). For checks that need "that thread is already waiting", such as
   * conformance/event's pulse. Poll it with a bound and a `yieldPoint` in the loop (under controlled
   * scheduling the yield point is what lets the other thread run). False where it cannot be known:
   * a wait through a function captured before the trial (`const { wait } = Atomics`), a frozen
   * Atomics, a thread index out of range.
   */
  isSleeping(thread: number): boolean;
  /**
   * Milliseconds on a clock shared by the trial's threads, so that times taken in different threads
   * compare (each worker's `performance.now()` counts from its own start): free-running,
   * `performance.timeOrigin + performance.now()`; controlled, the model's virtual clock.
   */
  now(): number;
}

/**
 * An invariant's verdict for one trial: true (held), false (violated), a
 * string (violated, with this explanation), or an object with expected vs
 * observed values.
 */
export type InvariantVerdict = boolean | string | { ok: boolean; expected?: unknown; observed?: unknown; details?: string };

/** What one thread's actor ended with in a trial. */
export type ActorOutcome<R> = { ok: true; value: R } | { ok: false; error: ActorError };

export interface ActorError {
  name: string;
  code?: string;
  message: string;
  stack?: string;
  /** For a DeadlockError: the cycle, edge by edge. */
  cycle?: Array<{ thread: string; waitsFor: string; heldBy: string }>;
}

export type Grade = 'acceptable' | 'interesting' | 'forbidden';

export interface OutcomeGrade {
  grade: Grade;
  description: string;
}

export interface VariantSpec<P extends Params = Params> {
  description: string;
  /** A canary has a real, known bug: the run is expected to catch it. */
  canary?: boolean;
  /** For a canary: the bug, in a sentence (shown when it is caught or survives). */
  bug?: string;
  /** Overrides of the suite's default parameters for this variant. */
  params?: Partial<P>;
  /** Overrides of the suite's default thread counts for this variant. */
  threads?: number[];
}

export interface SuiteDefinition<S, P extends Params = Params, R = unknown> {
  name: string;
  description: string;
  /** Default parameters, merged under variant and command-line overrides. */
  params?: P;
  /** Default thread counts; the run's --threads overrides. */
  threads?: number[];
  /**
   * Fewest threads a trial of this suite makes sense with (default 1): a configuration with fewer
   * (`--threads 1` for a producer-consumer suite) is planned as skipped, with this as the reason,
   * instead of erroring in every trial.
   */
  minThreads?: number;
  /**
   * Set false for a suite whose actors cannot run under controlled scheduling (one thread at a
   * time, docs/design/controlled-scheduling.md): actors that use `Atomics.waitAsync` or the
   * primitives' `*Async` methods, or that await what another actor must do. Its controlled
   * configurations (`--schedule ctl`, in the default run) are then planned as skipped, with this
   * as the reason; its free-running ones run as usual. Default: true.
   */
  controlled?: boolean;
  /** Variants by name; a suite without variants has one called "default". */
  variants?: Record<string, VariantSpec<P>>;
  /** Thread name shown in traces and deadlock reports; default `t<index>`. */
  threadName?: (thread: number, ctx: SuiteContext<P>) => string;
  /**
   * Builds one trial's shared state, in the main thread. It is sent to every
   * worker by structured clone: put primitives, SharedArrayBuffers and typed
   * arrays over them in it (plain values arrive as copies). Take the memory
   * from `ctx.alloc` / `ctx.int32` (and primitives' `at: ctx.alloc(X.byteLength)`)
   * rather than `new SharedArrayBuffer`: measured 1.5-1.6x the trials per second
   * for a one-counter suite (BENCHMARKS.md).
   */
  setup(ctx: SetupContext<P>): S;
  /**
   * Optional async preparation, awaited once per configuration in the main
   * thread (before the first setup) and in each worker before its first trial
   * of every batch: load modules here (e.g. an implementation by URL from the
   * params) so that setup and actors stay synchronous and start tightly.
   * Keep it idempotent and cache what it loads; it must not touch trial state.
   */
  prepare?(ctx: SuiteContext<P>): void | Promise<void>;
  /**
   * For conformance suites: the implementation kind this suite validates
   * (docs/contracts.md). Its variants carry the module URL in params.impl, and
   * `stress run --impl <kind>=./x.js` replaces them with the user's module.
   */
  implKind?: ImplKind;
  /**
   * One thread's part of a trial; runs in a worker, once per trial per
   * thread, all threads released together. Attach primitives with
   * `Lock.from(state.lock)` etc. (cheap). May return a structured-cloneable result.
   */
  actor(state: S, ctx: ActorContext<P>): R | Promise<R>;
  /** Named invariants, checked in the main thread after every trial. */
  invariants: Record<string, (state: S, results: Array<ActorOutcome<R>>, ctx: SuiteContext<P>) => InvariantVerdict>;
  /** Optional jcstress-style grading: the trial's outcome as a short string key... */
  outcome?: (state: S, results: Array<ActorOutcome<R>>, ctx: SuiteContext<P>) => string;
  /** ...graded here. Outcomes not listed get `otherwise` (default: acceptable). */
  grading?: Record<string, OutcomeGrade>;
  otherwise?: OutcomeGrade;
  /**
   * How actor errors are judged. Default: any thrown error is a harness-level
   * "error" of the configuration. Set true to let the invariants judge actor
   * errors themselves: they see `{ ok: false, error }` in the results (e.g. the
   * deadlock suite turns a DeadlockError into a failure of "no deadlock").
   */
  actorErrorsAreFailures?: boolean;
  /**
   * Set true to have each trial set up and graded inside the worker threads instead of the main
   * thread (about twice the trials per second for a short trial: BENCHMARKS.md). Every worker
   * then runs `setup` for the trial over the same shared memory and thread 0 checks the
   * invariants; the main thread only gets counts and failure samples. Allowed when:
   * - setup takes all shared memory from `ctx.alloc` / `ctx.int32` (never `new SharedArrayBuffer`),
   *   the same amount in every trial, and only writes fixed initial values there (no reads, no
   *   read-modify-write, no randomness): run in every thread, its writes agree;
   * - invariants and `outcome` depend only on the state, the results and the context (they run
   *   in a worker, not the main thread), and each thread's result serializes to at most ~1 KB.
   * Free-running trials only: controlled trials, replays and reruns keep the usual path.
   */
  trialsInWorkers?: boolean;
}

/** Identity function that gives a suite file its types. */
export function defineSuite<S, P extends Params = Params, R = unknown>(suite: SuiteDefinition<S, P, R>): SuiteDefinition<S, P, R> {
  return suite;
}

export function verdictOk(v: InvariantVerdict): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return false;
  return v.ok;
}

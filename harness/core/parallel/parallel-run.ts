/**
 * A run with `--jobs N` (N > 1): trial groups side by side, each on cores of its own.
 *
 * The plan's items are taken in order. Each runs as `copies` groups (lane-plan.ts: as many as fit,
 * at most N), every copy on its own disjoint trial range; a copy starts as soon as the cores it
 * needs are free, and no more groups run than N. A group runs in a child process confined to its
 * CPUs (taskset, pinned.ts), each free-running thread pinned to one of them (worker/pin-thread.ts):
 * every group has its own main thread for setup and grading, so groups do not queue behind one
 * another's, and a hang or crash in one is recovered from inside it without touching the rest.
 * An item that needs the whole machine anyway (one copy on every core) runs in this process, as
 * in a serial run. When an item's copies are done they are merged (record/slice-merge.ts) into the
 * result one group would have given with the same trials; then, as in a serial run, a free failure
 * gets its controlled search (in this process, one search at a time).
 *
 * Unchanged outside: seeds and replay tokens (a trial's seed is its configuration's and its
 * index's, wherever it ran), results in plan order, exit codes, --fail-fast (no item starts after
 * a failure; groups running are stopped and keep what they measured).
 */
import type { RunEvent } from '../events.js';
import type { ConfigResult } from '../grade/results.js';
import { ConfigGrader } from '../grade/grade.js';
import { isBad } from '../grade/status-rule.js';
import type { Budget } from '../execute/execute-options.js';
import { executeConfigurationPinned } from '../execute/pinned.js';
import { SLICE_TRIAL_SPAN } from '../plan/shard.js';
import { joinSlices } from '../record/slice-merge.js';
import { type ConfigRunOptions, type PlannedWork, runConfiguration, searchAfterFailure, skipped } from '../run-configuration.js';
import { CpuPool, copiesOf, copySlice, coresNeeded, floorFor } from './lane-plan.js';
import { EventChannel } from './event-channel.js';
import { Serial } from './serial.js';

/** Progress events come at most this often (as in a serial run). */
const PROGRESS_EVERY_MS = 1000;
/**
 * A copy is a process of its own: starting it (Node, the suite, the workers) costs a few hundred
 * ms, more on a loaded machine. A configuration is split only when each copy gets at least this
 * many trials (--runs) or this much testing time.
 */
const MIN_TRIALS_PER_COPY = 1000;
const MIN_SHARE_PER_COPY_MS = 1000;

/** The machine as a --jobs run sees it. */
export interface Lanes {
  /** Groups at once, at most. */
  jobs: number;
  /** The CPUs this process may use (their count is the machine's cores for the run). */
  cpus: number[];
  /** Whether taskset can confine a group to its CPUs; without it groups run side by side unconfined. */
  affinity: boolean;
  workerHeapMb?: number;
  /** The fewest cores a group gets (default GROUP_FLOOR_CORES); benchmarks and tests lower it to 1 to show groups side by side on 2 cores. */
  floorCores?: number;
}

export interface ParallelPass {
  items: PlannedWork[];
  lanes: Lanes;
  one: ConfigRunOptions;
  /** Item `index`'s budget, decided when its first copy starts: --runs, or its share of the time budget. */
  budgetOf: (index: number, now: number) => Budget;
  /** --runs: split among an item's copies. */
  runs?: number;
  /** With a time budget: the least share an item gets (a short share is not split into copies). */
  minShareMs?: number;
  /** Soak passes: where copy `copy` of item `index` goes on from (undefined: its first trial). */
  firstTrialOf?: (index: number, copy: number) => number | undefined;
  /** Soak passes: the trial copy `copy` of item `index` reached, for the next pass. */
  onNextTrial?: (index: number, copy: number, nextTrial: number) => void;
  failFast: boolean;
  /** config-start and config-end events as items start and end (a soak announces its totals at the end instead). */
  announce: boolean;
  t0: number;
  /** Trials and failures of earlier passes, for the progress totals. */
  trialsBefore: number;
  failuresBefore: number;
}

export interface PassResult {
  /** By item index; undefined for an item that never started. */
  results: Array<ConfigResult | undefined>;
  stoppedEarly?: { reason: string; notRun: number };
}

/** One group to run: copy `copy` of item `index`. */
interface Job {
  index: number;
  copy: number;
  copies: number;
}

/** What is known of one item while its copies run. */
interface ItemState {
  budget?: Budget;
  started: boolean;
  copies: number;
  /** Copies running now. */
  running: number;
  /** Ran in this process (whole machine, one copy): its search is done already. */
  inProcess: boolean;
  /** Its copies merged (#finishItem ran). */
  finished: boolean;
  parts: ConfigResult[];
  /** Latest [trials, failed] of each running copy. */
  live: Map<number, [number, number]>;
}

export async function* runParallel(o: ParallelPass): AsyncGenerator<RunEvent, PassResult> {
  const pass = new ParallelRunner(o);
  try {
    yield* pass.events();
  } finally {
    // Also when the consumer stops early (a break, a reporter that threw) or the pass failed: no group outlives it.
    pass.stop();
    pass.dispose();
  }
  return pass.outcome();
}

class ParallelRunner {
  readonly #o: ParallelPass;
  readonly #channel = new EventChannel<RunEvent>();
  readonly #pool: CpuPool;
  readonly #jobs: Job[];
  readonly #items: ItemState[];
  readonly #results: Array<ConfigResult | undefined>;
  /** --fail-fast stops the groups running; an interrupt (the run's signal) stops them too. */
  readonly #stopGroups = new AbortController();
  /** The in-process items and the controlled searches share this process's worker groups. */
  readonly #inProcess = new Serial();
  #nextJob = 0;
  #runningGroups = 0;
  /** Items whose copies are done but whose merge and search are not. */
  #finishing = 0;
  #stopStarting = false;
  #stoppedEarly: PassResult['stoppedEarly'];
  #doneTrials = 0;
  #doneFailures = 0;
  #lastProgress = performance.now();

  constructor(o: ParallelPass) {
    this.#o = o;
    this.#pool = new CpuPool(o.lanes.cpus);
    const copies = o.items.map((p) => this.#copies(p));
    this.#jobs = o.items.flatMap((_, index) => Array.from({ length: copies[index]! }, (_x, copy) => ({ index, copy, copies: copies[index]! })));
    this.#items = o.items.map((_, index) => ({ started: false, copies: copies[index]!, running: 0, inProcess: false, finished: false, parts: [], live: new Map() }));
    this.#results = o.items.map(() => undefined);
    if (o.one.signal?.aborted === true) this.#stopGroups.abort();
    else o.one.signal?.addEventListener('abort', this.#onRunAbort, { once: true });
  }

  /**
   * How many groups run `p`: as many as fit (lane-plan.ts), unless splitting would not pay (too
   * few trials or too short a share for each copy's start-up) or would change what the item
   * reports: --max-failures stops a configuration at N failures, and copies would each count to N.
   */
  #copies(p: PlannedWork): number {
    const o = this.#o;
    if (o.one.maxFailures !== undefined) return 1;
    if (o.runs === undefined && (o.minShareMs ?? 0) < MIN_SHARE_PER_COPY_MS) return 1;
    const runsCap = o.runs === undefined ? undefined : Math.max(1, Math.floor(o.runs / MIN_TRIALS_PER_COPY));
    return copiesOf(p, o.lanes.jobs, this.#pool.size, runsCap, this.#floor(p));
  }

  /** The fewest cores a group of `p` gets: the lanes' override (benchmarks, tests), else by its suite (lane-plan.ts floorFor). */
  #floor(p: PlannedWork): number {
    return this.#o.lanes.floorCores ?? floorFor(p);
  }

  events(): AsyncGenerator<RunEvent, void> {
    this.#startWhatFits();
    return this.#channel.drain();
  }

  /** The run's interrupt stops this pass's groups. */
  readonly #onRunAbort = (): void => this.#stopGroups.abort();

  /** Stops every group still running (the consumer stopped reading, or the pass failed): none outlives the pass. */
  stop(): void {
    this.#stopStarting = true;
    this.#stopGroups.abort();
  }

  /** After the pass: its listener off the run's signal (a soak runs a pass a minute, all night). */
  dispose(): void {
    this.#o.one.signal?.removeEventListener('abort', this.#onRunAbort);
  }

  outcome(): PassResult {
    return { results: this.#results, ...(this.#stoppedEarly ? { stoppedEarly: this.#stoppedEarly } : {}) };
  }

  /** Starts jobs in plan order while their cores are free and fewer than --jobs groups run. */
  #startWhatFits(): void {
    while (this.#nextJob < this.#jobs.length && !this.#stopStarting && !this.#stopGroups.signal.aborted) {
      const job = this.#jobs[this.#nextJob]!;
      const p = this.#o.items[job.index]!;
      const cost = p.skip !== undefined ? 0 : coresNeeded(p.config, this.#pool.size, this.#floor(p));
      if (cost > 0 && this.#runningGroups >= this.#o.lanes.jobs) break;
      const cpus = this.#pool.take(cost);
      if (cpus === undefined) break;
      this.#nextJob++;
      this.#start(job, cpus);
    }
    const stopping = this.#stopStarting || this.#stopGroups.signal.aborted;
    // A stop leaves some items with copies done and others never started: what they measured is merged as it is.
    if (stopping) this.#items.forEach((item, index) => item.running === 0 && !item.finished && item.parts.length > 0 && this.#finishItem(index));
    if (this.#runningGroups === 0 && this.#finishing === 0 && (this.#nextJob === this.#jobs.length || stopping)) {
      // Not run: never started, or stopped before any of its groups measured anything.
      const notRun = this.#results.filter((r) => r === undefined).length;
      if (this.#stopStarting && this.#stoppedEarly !== undefined) this.#stoppedEarly.notRun = notRun;
      this.#channel.close();
    }
  }

  #start(job: Job, cpus: number[]): void {
    const p = this.#o.items[job.index]!;
    const item = this.#items[job.index]!;
    if (!item.started) {
      item.started = true;
      item.budget = this.#o.budgetOf(job.index, performance.now());
      if (this.#o.announce) this.#channel.push({ type: 'config-start', config: p.config, index: job.index, total: this.#o.items.length, groups: job.copies });
    }
    this.#runningGroups++;
    item.running++;
    this.#runJob(job, cpus, item.budget!).then(
      (result) => this.#jobDone(job, cpus, result),
      (error: unknown) => {
        this.stop();
        this.#channel.fail(error);
      },
    );
  }

  /** One group's run: in this process when the item takes the whole machine, else in a confined child. */
  async #runJob(job: Job, cpus: number[], budget: Budget): Promise<ConfigResult | undefined> {
    const p = this.#o.items[job.index]!;
    const onBatch = (trials: number, failed: number): void => this.#progress(job, trials, failed);
    if (p.skip !== undefined) return skipped(p.config, p.skip, p.suite);
    if (job.copies === 1 && cpus.length >= this.#pool.size) {
      this.#items[job.index]!.inProcess = true;
      // A soak pass goes on from the last (its first pass from the item's first trial); a plain run starts where runConfiguration says.
      const firstTrial = this.#o.firstTrialOf === undefined ? undefined : (this.#o.firstTrialOf(job.index, 0) ?? p.slice?.firstTrial ?? 0);
      // The search runs after it, in runConfiguration: the item is whole already.
      const result = await this.#inProcess.run(() => runConfiguration(p, { ...this.#o.one, budget, onBatch, ...(firstTrial !== undefined ? { firstTrial } : {}), signal: this.#stopGroups.signal }));
      if (result.nextTrial !== undefined) this.#o.onNextTrial?.(job.index, 0, result.nextTrial);
      return result;
    }
    return this.#runCopyInChild(job, cpus, budget, onBatch);
  }

  async #runCopyInChild(job: Job, cpus: number[], budget: Budget, onBatch: (trials: number, failed: number) => void): Promise<ConfigResult | undefined> {
    const p = this.#o.items[job.index]!;
    // A shard's slice of a configuration runs as one copy, on its own trials.
    const slice = p.slice ?? copySlice(job.copy, job.copies, this.#o.runs);
    const sliced = p.slice !== undefined || job.copies > 1;
    const firstTrial = this.#o.firstTrialOf?.(job.index, job.copy) ?? slice.firstTrial;
    // A time-budgeted copy never runs into the next copy's trial indices.
    const leftInSpan = slice.firstTrial + SLICE_TRIAL_SPAN - firstTrial;
    const copyBudget: Budget = slice.runs !== undefined ? { runs: slice.runs } : { ...budget, runs: Math.min(budget.runs ?? Infinity, leftInSpan) };
    const { one } = this.#o;
    const free = p.config.schedule === undefined && p.config.cores === 'all';
    const started = performance.now();
    try {
      const result = await executeConfigurationPinned(
        {
          config: p.config,
          timeoutMs: one.timeoutMs,
          traceEvents: one.traceEvents,
          budget: copyBudget,
          firstTrial,
          ...(one.maxFailures !== undefined ? { maxFailures: one.maxFailures } : {}),
          ...(free && this.#o.lanes.affinity ? { threadCpus: cpus } : {}),
          ...(this.#o.lanes.workerHeapMb !== undefined ? { workerHeapMb: this.#o.lanes.workerHeapMb } : {}),
        },
        // A --cores N configuration is confined to exactly N of them (its group may hold more: the floor).
        this.#o.lanes.affinity ? (p.config.cores === 'all' ? cpus : cpus.slice(0, p.config.cores)).join(',') : undefined,
        this.#stopGroups.signal,
        onBatch,
      );
      if (result.nextTrial !== undefined) this.#o.onNextTrial?.(job.index, job.copy, result.nextTrial);
      const { nextTrial: _next, ...rest } = result;
      return sliced ? { ...rest, slice: { index: slice.index, total: slice.total, firstTrial: slice.firstTrial } } : rest;
    } catch (err) {
      // Stopped (interrupt, --fail-fast) before it could report: it measured nothing, which is not an error.
      if (this.#stopGroups.signal.aborted) return undefined;
      // The child died without a result (killed, out of memory): an error of this group, not the end of the run.
      const grader = new ConfigGrader(p.suite, p.config, one.timeoutMs, one.traceEvents);
      grader.addCrash(firstTrial, `the process running this group ended without a result: ${(err as Error).message}`, 'GroupCrash');
      const result = grader.result(performance.now() - started);
      return sliced ? { ...result, slice: { index: slice.index, total: slice.total, firstTrial: slice.firstTrial } } : result;
    }
  }

  #jobDone(job: Job, cpus: number[], result: ConfigResult | undefined): void {
    this.#pool.give(cpus);
    this.#runningGroups--;
    const item = this.#items[job.index]!;
    item.live.delete(job.copy);
    item.running--;
    if (result !== undefined) {
      item.parts.push(result);
      this.#doneTrials += result.trials;
      this.#doneFailures += result.failedTrials;
    }
    // Done when no copy runs and none will start (all ran, or a stop came before the rest).
    const allStarted = !this.#jobs.slice(this.#nextJob).some((j) => j.index === job.index);
    const stopping = this.#stopStarting || this.#stopGroups.signal.aborted;
    if (item.running === 0 && (allStarted || stopping)) this.#finishItem(job.index);
    this.#startWhatFits();
  }

  /**
   * The item's copies merged into one result, the --fail-fast rule (decided at once, before any
   * later item starts, as a serial run would), then its controlled search, result and events.
   */
  #finishItem(index: number): void {
    const p = this.#o.items[index]!;
    const item = this.#items[index]!;
    if (item.parts.length === 0 || item.finished) return;
    item.finished = true;
    const merged = item.copies > 1 ? joinCopies(item.parts, p) : item.parts[0]!;
    if (this.#o.failFast && !p.config.canary && isBad(merged.status) && !this.#stopStarting) {
      this.#stopStarting = true;
      this.#stoppedEarly = { reason: `--fail-fast after ${p.config.key}`, notRun: 0 };
      // The groups still running stop at their next batch and keep what they measured.
      this.#stopGroups.abort();
    }
    this.#finishing++;
    // An in-process item had its search in runConfiguration already; a split one gets it here, within its share.
    const searched = item.inProcess ? Promise.resolve(merged) : this.#inProcess.run(() => searchAfterFailure(p, merged, { ...this.#o.one, budget: item.budget ?? {} }));
    searched.then(
      (result) => {
        this.#results[index] = result;
        if (this.#o.announce) this.#channel.push({ type: 'config-end', result, index, total: this.#o.items.length });
        this.#finishing--;
        this.#startWhatFits();
      },
      (error: unknown) => {
        this.stop();
        this.#channel.fail(error);
      },
    );
  }

  /** A progress event for the run (at most once a second): this item's copies summed, and the run's totals. */
  #progress(job: Job, trials: number, failed: number): void {
    const item = this.#items[job.index]!;
    item.live.set(job.copy, [trials, failed]);
    const now = performance.now();
    if (now - this.#lastProgress < PROGRESS_EVERY_MS) return;
    this.#lastProgress = now;
    let liveTrials = 0;
    let liveFailures = 0;
    for (const state of this.#items) {
      for (const [t, f] of state.live.values()) {
        liveTrials += t;
        liveFailures += f;
      }
    }
    const itemTrials = item.parts.reduce((n, r) => n + r.trials, 0) + [...item.live.values()].reduce((n, [t]) => n + t, 0);
    this.#channel.push({
      type: 'progress',
      config: this.#o.items[job.index]!.config,
      trials: itemTrials,
      elapsedMs: now - this.#o.t0,
      totalTrials: this.#o.trialsBefore + this.#doneTrials + liveTrials,
      totalFailures: this.#o.failuresBefore + this.#doneFailures + liveFailures,
      configsLeft: this.#results.filter((r) => r === undefined).length,
      groups: this.#runningGroups,
    });
  }
}

/** An item's copies as one result: the slices merged back (a shard's own slice keeps its slice). */
function joinCopies(parts: ConfigResult[], p: PlannedWork): ConfigResult {
  const warnings: string[] = [];
  const joined = joinSlices(
    parts.map((r) => (r.slice === undefined ? { ...r, slice: { index: 1, total: 1, firstTrial: 0 } } : r)),
    warnings,
  );
  return p.slice === undefined ? joined : { ...joined, slice: { index: p.slice.index, total: p.slice.total, firstTrial: p.slice.firstTrial } };
}

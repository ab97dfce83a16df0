/**
 * How a run with `--jobs N` shares the machine's cores out (pure: the scheduler in parallel-run.ts
 * and the planning test use the same functions).
 *
 * A configuration's trial group keeps `coresNeeded` cores busy: its thread count free-running
 * (each thread spins at the start gate, so a group never gets fewer cores than threads while
 * another group takes them: never more spinning threads than cores), its --cores when confined,
 * one core under controlled scheduling (one thread runs at a time, the others sleep), and never
 * fewer than GROUP_FLOOR_CORES when its main thread sets up and grades every trial: measured on 2
 * cores, a 1-thread or controlled group sharing one core with its main thread ran no more trials
 * beside a second such group than alone. A free-running group of a suite with trialsInWorkers
 * leaves its main thread idle, and may have one core (floorFor). A configuration with more
 * threads than the machine has cores takes the whole machine.
 *
 * A configuration is run as `copies` groups side by side, each on its own cores and its own
 * disjoint trial range (the trial slices sharding uses, plan/shard.ts), merged back into one
 * result (record/slice-merge.ts): as many as fit on the machine, at most --jobs.
 */
import type { Configuration } from '../grade/results.js';
import { SLICE_TRIAL_SPAN, type TrialSlice } from '../plan/shard.js';

export { runCpus } from '../shared/cpus.js';

/** What the lane plan needs of a planned item (run-configuration.ts PlannedWork). */
export interface LaneItem {
  config: Pick<Configuration, 'key' | 'threads' | 'cores' | 'schedule'>;
  skip?: string;
  slice?: TrialSlice;
  /** Its suite: one with trialsInWorkers leaves the group's main thread idle. */
  suite?: { trialsInWorkers?: boolean };
}

/** The fewest cores a group is given: one for its trial threads and one for its main thread at least. */
export const GROUP_FLOOR_CORES = 2;

/** The fewest cores a group of this item gets: 1 where the workers grade the trials themselves (free-running, trialsInWorkers). */
export function floorFor(item: LaneItem): number {
  return item.suite?.trialsInWorkers === true && item.config.schedule === undefined ? 1 : GROUP_FLOOR_CORES;
}

/** The cores one group of `config` keeps busy, on a machine of `machineCores`. */
export function coresNeeded(config: Pick<Configuration, 'threads' | 'cores' | 'schedule'>, machineCores: number, floor = GROUP_FLOOR_CORES): number {
  const wanted = config.schedule !== undefined ? 1 : config.cores === 'all' ? config.threads : config.cores;
  return Math.max(1, Math.min(Math.max(wanted, floor), machineCores));
}

/**
 * How many groups run this planned item side by side: as many as fit on the machine, at most
 * `jobs`, never more than it has trials (--runs). A skipped item, or a shard's slice of a
 * configuration (already one part of a split), runs as one.
 */
export function copiesOf(p: LaneItem, jobs: number, machineCores: number, runs?: number, floor = GROUP_FLOOR_CORES): number {
  if (p.skip !== undefined || p.slice !== undefined) return 1;
  const fit = Math.floor(machineCores / coresNeeded(p.config, machineCores, floor));
  return Math.max(1, Math.min(jobs, fit, runs ?? Infinity));
}

/**
 * The trials of copy `copy` (0-based) of `copies`: with --runs, the copy-th of `copies` equal
 * parts of 0 .. runs-1; with a time budget, trial indices from copy x SLICE_TRIAL_SPAN (the
 * numbering a shard slice uses), so no two copies draw the same seed.
 */
export function copySlice(copy: number, copies: number, runs: number | undefined): TrialSlice {
  if (runs === undefined) return { index: copy + 1, total: copies, firstTrial: copy * SLICE_TRIAL_SPAN };
  const from = Math.floor((copy * runs) / copies);
  const to = Math.floor(((copy + 1) * runs) / copies);
  return { index: copy + 1, total: copies, firstTrial: from, runs: to - from };
}

/** The CPUs a run may hand out to its groups, lent and given back as groups start and end. */
export class CpuPool {
  readonly #free: number[];
  readonly size: number;

  constructor(cpus: readonly number[]) {
    this.#free = [...cpus];
    this.size = cpus.length;
  }

  get freeCount(): number {
    return this.#free.length;
  }

  /** `n` CPUs, lowest first (neighbours are likelier to share a cache), or undefined if fewer are free. */
  take(n: number): number[] | undefined {
    if (n > this.#free.length) return undefined;
    this.#free.sort((a, b) => a - b);
    return this.#free.splice(0, n);
  }

  give(cpus: readonly number[]): void {
    this.#free.push(...cpus);
  }
}

/** One planned item as `--jobs` would run it: its copies and the cores each keeps busy. */
export interface LaneLayout {
  key: string;
  copies: number;
  coresEach: number;
}

/** How `planned` would be laid out on `machineCores` cores with `jobs` groups at most (docs and the planning test). */
export function laneLayout(planned: readonly LaneItem[], jobs: number, machineCores: number, runs?: number): LaneLayout[] {
  return planned.map((p) => ({ key: p.config.key, copies: copiesOf(p, jobs, machineCores, runs, floorFor(p)), coresEach: p.skip !== undefined ? 0 : coresNeeded(p.config, machineCores, floorFor(p)) }));
}

/** --jobs as a number: `auto` is one group per core at most (the machine decides by each configuration's needs). */
export function jobsFor(jobs: number | 'auto', machineCores: number): number {
  return jobs === 'auto' ? machineCores : jobs;
}

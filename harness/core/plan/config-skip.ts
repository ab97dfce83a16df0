/**
 * Why a configuration cannot run, if it cannot: the suite needs more threads, the suite runs free
 * only (`controlled: false`) and the configuration is a controlled one, or the configuration asks
 * for cores (CPU affinity missing, or more cores than the machine has).
 * `stress run` skips such a configuration with this reason; `stress replay` of its token stops
 * with the same reason (exit 4), since a replay that cannot run it tests nothing.
 */
import { affinityUnavailableReason } from '../execute/pinned.js';
import type { ScheduleName } from '../schedule/types.js';
import { isControlled } from './schedule-axis.js';

export interface Machine {
  hasAffinity: boolean;
  /** CPUs this process may use (os.availableParallelism()). */
  available: number;
}

/** Where a configuration runs: its thread count, cores and schedule (absent: free-running). */
export interface SkipCoordinates {
  threads: number;
  cores: 'all' | number;
  schedule?: ScheduleName | undefined;
}

export function skipReason(suite: { name: string; minThreads?: number; controlled?: boolean }, at: SkipCoordinates, machine: Machine): string | undefined {
  const { threads, cores } = at;
  if (threads < (suite.minThreads ?? 1)) return `${suite.name} needs at least ${suite.minThreads} threads`;
  if (suite.controlled === false && at.schedule !== undefined && isControlled(at.schedule)) {
    return `${suite.name} runs free only (the suite sets controlled: false)`;
  }
  if (cores === 'all') return undefined;
  if (!machine.hasAffinity) return affinityUnavailableReason() || 'CPU affinity is not available here';
  if (cores > machine.available) return `asks for ${cores} cores, this machine has ${machine.available}`;
  return undefined;
}

/**
 * Why this machine cannot run a configuration, if it cannot: the suite needs more threads, or the
 * configuration asks for cores (CPU affinity missing, or more cores than the machine has).
 * `stress run` skips such a configuration with this reason; `stress replay` of its token stops
 * with the same reason (exit 4), since a replay that cannot run it tests nothing.
 */
import { affinityUnavailableReason } from '../execute/pinned.js';

export interface Machine {
  hasAffinity: boolean;
  /** CPUs this process may use (os.availableParallelism()). */
  available: number;
}

export function skipReason(
  suite: { name: string; minThreads?: number },
  threads: number,
  cores: 'all' | number,
  machine: Machine,
): string | undefined {
  if (threads < (suite.minThreads ?? 1)) return `${suite.name} needs at least ${suite.minThreads} threads`;
  if (cores === 'all') return undefined;
  if (!machine.hasAffinity) return affinityUnavailableReason() || 'CPU affinity is not available here';
  if (cores > machine.available) return `asks for ${cores} cores, this machine has ${machine.available}`;
  return undefined;
}

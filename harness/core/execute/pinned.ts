/**
 * Confining a configuration to N cores: the whole configuration runs in a
 * child process started under `taskset -c <the first N CPUs this process may
 * use>` (CPU affinity is per process on Linux and its workers inherit it).
 * Results and progress come back over IPC.
 */
import { spawn, spawnSync } from 'node:child_process';
import { allowedCpus } from '../shared/cpus.js';
import { fileURLToPath } from 'node:url';
import type { ConfigResult, Configuration } from '../grade/results.js';
import type { Budget } from './execute-options.js';

const CHILD = fileURLToPath(new URL('./pinned-child.js', import.meta.url));

export { allowedCpus };

let affinity: { ok: boolean; reason: string } | undefined;
function probeAffinity(): { ok: boolean; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: `CPU affinity is not available on ${process.platform}` };
  const cpus = allowedCpus();
  const probe = spawnSync('taskset', ['-c', String(cpus[0] ?? 0), 'true'], { stdio: 'ignore' });
  if (probe.error !== undefined && (probe.error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'CPU affinity is not available here (taskset not found)' };
  if (probe.status !== 0) return { ok: false, reason: 'CPU affinity is not available here (taskset could not set it)' };
  return { ok: true, reason: '' };
}

export function hasAffinity(): boolean {
  affinity ??= probeAffinity();
  return affinity.ok;
}

/** Why --cores configurations are skipped here (empty when they can run). */
export function affinityUnavailableReason(): string {
  affinity ??= probeAffinity();
  return affinity.reason;
}

/** The taskset CPU list for `cores` cores: the first `cores` allowed CPUs (0-(cores-1) if unknown). */
export function cpuListFor(cores: number, allowed: number[] = allowedCpus()): string {
  return allowed.length >= cores ? allowed.slice(0, cores).join(',') : `0-${cores - 1}`;
}

export interface PinnedRequest {
  config: Configuration;
  timeoutMs: number;
  traceEvents: number;
  budget: Budget;
  fixedSeedTrial?: number;
  firstTrial?: number;
  maxFailures?: number;
  /** Free-running groups of a --jobs run: the CPU each thread's worker pins itself to (one each). */
  threadCpus?: number[];
  workerHeapMb?: number;
}

/** The child's messages: progress after its batches, then the result (or an error). */
export type PinnedMessage = { progress: [trials: number, failedTrials: number] } | { result: ConfigResult } | { error: string };

/**
 * executeConfiguration (executor.ts) in a child process confined to the CPUs `cpuList` (a taskset
 * list: cpuListFor(cores) for a --cores configuration, a group's own CPUs in a --jobs run), or
 * unconfined (undefined: a --jobs run where CPU affinity is not available).
 */
export function executeConfigurationPinned(
  request: PinnedRequest,
  cpuList: string | undefined,
  signal?: AbortSignal,
  onBatch?: (trials: number, failedTrials: number) => void,
): Promise<ConfigResult> {
  return new Promise((resolve, reject) => {
    const stdio: Array<'ignore' | 'inherit' | 'ipc'> = ['ignore', 'inherit', 'inherit', 'ipc'];
    const child = cpuList === undefined ? spawn(process.execPath, [CHILD], { stdio }) : spawn('taskset', ['-c', cpuList, process.execPath, CHILD], { stdio });
    let result: ConfigResult | undefined;
    const onAbort = (): void => {
      child.kill('SIGTERM');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (m: PinnedMessage) => {
      if ('progress' in m) onBatch?.(...m.progress);
      else if ('result' in m) result = m.result;
      else reject(new Error(m.error));
    });
    child.once('spawn', () => child.send(request));
    child.once('error', reject);
    child.once('exit', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (result !== undefined) resolve(result);
      else reject(new Error(`pinned child for ${request.config.key} exited with code ${code} before reporting`));
    });
  });
}

/**
 * Confining a configuration to N cores: the whole configuration runs in a
 * child process started under `taskset -c 0-(N-1)` (CPU affinity is per
 * process on Linux and its workers inherit it). Results come back over IPC.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConfigResult, Configuration } from './results.js';
import type { Budget } from './executor.js';

const CHILD = fileURLToPath(new URL('./pinned-child.js', import.meta.url));

let affinity: boolean | undefined;
export function hasAffinity(): boolean {
  if (affinity === undefined) {
    affinity = process.platform === 'linux' && spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;
  }
  return affinity;
}

export interface PinnedRequest {
  config: Configuration;
  timeoutMs: number;
  traceEvents: number;
  budget: Budget;
  fixedSeedTrial?: number;
  firstTrial?: number;
  maxFailures?: number;
}

export function runPinned(request: PinnedRequest, cores: number, signal?: AbortSignal): Promise<ConfigResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', `0-${cores - 1}`, process.execPath, CHILD], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ConfigResult | undefined;
    const onAbort = (): void => {
      child.kill('SIGTERM');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (m: { result?: ConfigResult; error?: string }) => {
      if (m.result !== undefined) result = m.result;
      if (m.error !== undefined) reject(new Error(m.error));
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

/** What the pinned child (pinned-child.ts) runs once its parent's request arrives. */
import '@shakedown/primitives';
import { executeConfiguration } from './executor.js';
import { loadSuite } from '../plan/load-suite.js';
import { WorkerGroups } from './pools.js';
import type { PinnedRequest } from './pinned.js';
import type { ExecuteOptions } from './execute-options.js';

export async function runPinnedRequest(request: PinnedRequest, stopped: () => boolean): Promise<void> {
  const groups = new WorkerGroups(request.workerHeapMb);
  try {
    const suite = await loadSuite(request.config.suiteUrl);
    const opts: ExecuteOptions = {
      timeoutMs: request.timeoutMs,
      traceEvents: request.traceEvents,
      budget: request.budget,
      groups,
      shouldStop: stopped,
      // The parent turns these into progress events (it throttles them), as for an unpinned configuration.
      onBatch: (trials: number, failedTrials: number) => process.send?.({ progress: [trials, failedTrials] }),
      ...(request.firstTrial !== undefined ? { firstTrial: request.firstTrial } : {}),
      ...(request.maxFailures !== undefined ? { maxFailures: request.maxFailures } : {}),
      ...(request.fixedSeedTrial !== undefined ? { fixedSeedTrial: request.fixedSeedTrial } : {}),
      ...(request.threadCpus !== undefined ? { threadCpus: request.threadCpus } : {}),
    };
    const result = await executeConfiguration(suite, request.config, opts);
    await groups.close();
    process.send?.({ result }, () => process.exit(0));
  } catch (err) {
    process.send?.({ error: (err as Error).message }, () => process.exit(1));
  }
}

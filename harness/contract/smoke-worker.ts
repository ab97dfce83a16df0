/**
 * The single-thread smoke check of one implementation, in a worker thread of its own (smoke.ts
 * starts it): a module whose blocking call never returns (one that ignores its timeout and did not
 * declare `timeouts: false`) then blocks this worker, which is terminated, instead of the main thread.
 * Tells the parent each contract call before making it, then `ok` or the error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HarnessError, thrownMessage } from '../core/shared/errors.js';
import { checkImplShape, pickExport, smokeCheck } from './check.js';

/** `contract`: the check's own ERR_IMPL_CONTRACT (its message names the URL); otherwise the module itself threw. */
export type SmokeMessage = { type: 'imported' } | { type: 'calling'; call: string } | { type: 'ok' } | { type: 'error'; contract: boolean; message: string };

const { url } = workerData as { url: string };
const post = (m: SmokeMessage): void => parentPort!.postMessage(m);
try {
  const impl = checkImplShape(pickExport((await import(url)) as Record<string, unknown>), url);
  post({ type: 'imported' });
  smokeCheck(impl, url, (call) => post({ type: 'calling', call }));
  post({ type: 'ok' });
} catch (err) {
  // Only the check's own verdict keeps its code: an error of the user's module (its own `code`
  // included, ERR_USAGE or ENOENT) must not choose the CLI's exit code.
  const contract = err instanceof HarnessError && err.code === 'ERR_IMPL_CONTRACT';
  post({ type: 'error', contract, message: thrownMessage(err) });
}

/**
 * The single-thread smoke check of one implementation, in a worker thread of its own (smoke.ts
 * starts it): a module whose blocking call never returns (one that ignores its timeout and did not
 * declare `timeouts: false`) then blocks this worker, which is terminated, instead of the main thread.
 * Tells the parent each contract call before making it, then `ok` or the error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkImplShape, pickExport, smokeCheck } from './check.js';

export type SmokeMessage = { type: 'imported' } | { type: 'calling'; call: string } | { type: 'ok' } | { type: 'error'; code?: string; message: string };

const { url } = workerData as { url: string };
const post = (m: SmokeMessage): void => parentPort!.postMessage(m);
try {
  const impl = checkImplShape(pickExport((await import(url)) as Record<string, unknown>), url);
  post({ type: 'imported' });
  smokeCheck(impl, url, (call) => post({ type: 'calling', call }));
  post({ type: 'ok' });
} catch (err) {
  const e = err as { code?: unknown; message?: unknown };
  post({ type: 'error', ...(typeof e.code === 'string' ? { code: e.code } : {}), message: typeof e.message === 'string' ? e.message : String(err) });
}

/**
 * Runs an implementation's smoke check (check.ts smokeCheck) in a worker thread with a time limit.
 * In the main thread, a call that never returns (acquire(0) of a lock that ignores its timeout)
 * would block the process until the main-thread watchdog killed it (exit 137, no word on why); in a
 * worker, it becomes an ERR_IMPL_CONTRACT naming the call and what to declare (exit code 2).
 */
import { Worker } from 'node:worker_threads';
import { HarnessError } from '../core/shared/errors.js';
import { userCodeTimeoutMs } from '../core/shared/deadline.js';
import type { SmokeMessage } from './smoke-worker.js';
import type { ImplModule } from './types.js';

/** The smoke calls' own timeouts are at most 100 ms: 5 s is far beyond a loaded machine's delays. */
export const SMOKE_CALLS_LIMIT_MS = 5_000;

export function smokeCheckInWorker(impl: ImplModule, url: string): Promise<void> {
  const worker = new Worker(new URL('./smoke-worker.js', import.meta.url), { workerData: { url } });
  const at = `${url}: ${impl.kind} "${impl.name}"`;
  let lastCall: string | undefined;
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout;
    let settled = false;
    const settle = (err?: HarnessError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // The listeners stay: an 'error' the worker emits after the verdict (an unhandled rejection of
      // the module's) must find one, or Node throws it on the main thread and ends the run.
      // Ends a worker blocked in Atomics.wait or a busy loop too (platform.md: ~3 ms).
      void worker.terminate();
      if (err === undefined) resolve();
      else reject(err);
    };
    const limit = (ms: number, what: () => string): void => {
      clearTimeout(timer);
      timer = setTimeout(() => settle(new HarnessError('ERR_IMPL_CONTRACT', what())), ms);
    };
    // Loading gets the user-code limit; the calls themselves get SMOKE_CALLS_LIMIT_MS once loaded.
    limit(userCodeTimeoutMs(), () => `cannot load implementation ${url} in a worker thread: its top-level code did not settle within ${userCodeTimeoutMs() / 1000} s (STRESS_USER_CODE_TIMEOUT_MS)`);
    worker.on('message', (m: SmokeMessage) => {
      if (m.type === 'imported') {
        limit(SMOKE_CALLS_LIMIT_MS, () =>
          lastCall === undefined
            ? `${at}: single-thread smoke check: create() or attach() did not return within ${SMOKE_CALLS_LIMIT_MS / 1000} s (see docs/contracts.md)`
            : `${at}: single-thread smoke check: ${lastCall} did not return within ${SMOKE_CALLS_LIMIT_MS / 1000} s; a module whose blocking calls ignore their timeout declares capabilities: { timeouts: false } (see docs/contracts.md)`,
        );
      } else if (m.type === 'calling') lastCall = m.call;
      else if (m.type === 'ok') settle();
      else settle(new HarnessError('ERR_IMPL_CONTRACT', m.contract ? m.message : `cannot load implementation ${url} in a worker thread: ${m.message} (see docs/contracts.md)`));
    });
    worker.on('error', (err) => settle(new HarnessError('ERR_IMPL_CONTRACT', `${at}: single-thread smoke check: the worker thread failed: ${err.message}`)));
    // Code 13 is Node's "unsettled top-level await"; anything else, the module called process.exit.
    const why = (code: number): string => (code === 13 ? 'its top-level await never settled' : `the worker thread exited (code ${code}) before it finished (process.exit in the module?)`);
    worker.on('exit', (code) => settle(new HarnessError('ERR_IMPL_CONTRACT', `${at}: single-thread smoke check: ${why(code)}`)));
  });
}

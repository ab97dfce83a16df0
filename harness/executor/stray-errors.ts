/**
 * In a pool worker: what is thrown outside a task's call (a rejection nobody handled, a timer that
 * throws), attributed by async context, not by time. Each run (a task's target, the initializer)
 * runs inside `runContext.run(token, ...)`; Node runs a callback, and raises a rejection, in the
 * context that created it, so `runContext.getStore()` in the handlers names its creator.
 *
 * - Created by the run going on now: it fails that run with what was thrown (a task awaiting the
 *   callback that threw would otherwise stay pending forever).
 * - Anything else (a leftover of an earlier task or of the initializer, or code outside any run):
 *   printed, naming the thread and what left it, as Python's threading.excepthook prints
 *   `Exception in thread <name>: ...`; it fails no future, and the worker goes on.
 *
 * Node's default would end the worker, and tinypool would fail whatever task that worker holds by
 * then: the next, unrelated one (or, if the error beat the reply, the task that returned).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One run of a target or the initializer: `what` names it in messages; `fail` settles it with an error. */
export interface RunToken {
  readonly what: string;
  fail(err: unknown): void;
}

/** The run whose context created the code now running (undefined outside every run). */
export const runContext = new AsyncLocalStorage<RunToken>();

/** Installs the handlers. `running()` is the run going on now, if any. */
export function handleStrayErrors(threadName: string, running: () => RunToken | undefined): void {
  const handle = (kind: string, err: unknown): void => {
    const origin = runContext.getStore();
    const now = running();
    if (origin !== undefined && origin === now) {
      origin.fail(err);
      return;
    }
    const leftBy = origin === undefined ? 'code outside any task' : `${origin.what}, which had ended`;
    console.error(`Exception in thread ${threadName} (${kind} left by ${leftBy}; no future is failed by it):`, err);
  };
  // A listener for each keeps Node from ending the worker (a rejection is otherwise raised as an uncaught exception).
  process.on('unhandledRejection', (reason) => handle('an unhandled rejection', reason));
  process.on('uncaughtException', (err) => handle('an uncaught exception', err));
}

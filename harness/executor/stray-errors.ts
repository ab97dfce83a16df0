/**
 * In a pool worker: what is thrown outside a task's call (a rejection nobody handled, a timer that
 * throws).
 *
 * - While a task runs, it fails that task's future with what was thrown: the task's own callbacks
 *   are by far the likeliest source, and a task awaiting the callback that threw would otherwise
 *   stay pending forever (a leftover of an earlier task is blamed on the running one, as it was
 *   when such an error ended the worker).
 * - Between tasks it is printed, naming the thread, as Python's threading.excepthook prints
 *   `Exception in thread <name>: ...`, fails no future, and the worker goes on.
 *
 * Node's default would end the worker, and tinypool would fail whatever task that worker holds by
 * then: the next, unrelated one (or, if the error beat the reply, the task that returned).
 */

/**
 * Installs the handlers. `failRunning(err)` fails the running task (or initializer) with `err` and
 * says whether one was running; `running()` names it.
 */
export function handleStrayErrors(threadName: string, failRunning: (err: unknown) => boolean): void {
  const handle = (kind: string, err: unknown): void => {
    if (failRunning(err)) return;
    console.error(`Exception in thread ${threadName} (${kind} between tasks, left by a task that had ended; no future is failed by it):`, err);
  };
  // A listener for each keeps Node from ending the worker (a rejection is otherwise raised as an uncaught exception).
  process.on('unhandledRejection', (reason) => handle('an unhandled rejection', reason));
  process.on('uncaughtException', (err) => handle('an uncaught exception', err));
}

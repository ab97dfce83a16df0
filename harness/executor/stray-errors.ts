/**
 * In a pool worker: what is thrown outside a task's call (a rejection nobody handled, a timer that
 * throws, left by a task that already returned) is printed, naming the thread, as Python's
 * threading.excepthook prints `Exception in thread <name>: ...`, and the worker goes on.
 *
 * Node's default would end the worker, and tinypool would fail whatever task that worker holds by
 * then: the next, unrelated one (or, if the error beat the reply, the task that returned). In
 * Python an exception outside a task's call fails no future either. What cannot be told here is
 * which task left it, so none is blamed: the message says whether a task was running at the time.
 */

/** Installs the handlers; `running()` names the target the worker is running, if any. */
export function printStrayErrors(threadName: string, running: () => string | undefined): void {
  const print = (kind: string, err: unknown): void => {
    const target = running();
    const when = target === undefined ? 'between tasks, left by a task that had ended' : `while ${target} ran, outside its call`;
    console.error(`Exception in thread ${threadName} (${kind} ${when}; no future is failed by it):`, err);
  };
  // A listener for each keeps Node from ending the worker (a rejection is otherwise raised as an uncaught exception).
  process.on('unhandledRejection', (reason) => print('an unhandled rejection', reason));
  process.on('uncaughtException', (err) => print('an uncaught exception', err));
}

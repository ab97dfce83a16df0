/**
 * Python's concurrent.futures.ThreadPoolExecutor over a tinypool of worker threads. Work is a
 * function exported by a module (TargetRef) plus structured-cloneable arguments; each submit()
 * gives a Future. What sets it apart from a bare tinypool:
 * - cancel() and the worker's start race on the future's shared word, so cancel() is true only
 *   for work that never ran;
 * - a worker that dies mid-task (process.exit, a fatal error) fails that task's future with
 *   ERR_EXECUTOR_WORKER_EXITED instead of leaving it pending forever (tinypool does not watch a
 *   worker's exit: see #watchWorkers);
 * - shutdown({ wait, cancelFutures }) and `await using`, as Python's `with` block;
 * - terminate(): the way out of work that never ends, which a shutdown waits for forever.
 */
import { availableParallelism } from 'node:os';
import { Tinypool } from 'tinypool';
import { ShakedownError, TASK_PENDING, describeError, errorOfOutcome, invalidArg, moduleUrlOf, remainingUntil, deadlineOf } from '@shakedown/primitives';
import { Future } from './future.js';
import { RUNS_TARGET, type PoolSetup, type TargetRef, type Task, type TaskReply } from './task-message.js';
import { checkTimeoutMs, timeoutError } from './timeouts.js';
import { checkOptions, isIterable } from './validate.js';

const WORKER_URL = new URL('./executor-worker.js', import.meta.url).href;

/** Raised by submit() and by the pending futures of an executor whose initializer failed (Python's BrokenThreadPool). */
export class BrokenExecutorError extends ShakedownError {
  constructor(message: string) {
    super('ERR_EXECUTOR_BROKEN', message);
  }
}

export interface ExecutorOptions {
  /** Worker threads (default: the cores this process may use). Each is a V8 isolate (~10 MB, ~25 ms to start), started with the executor. */
  maxWorkers?: number;
  /** Workers are named `${prefix}_0`, `${prefix}_1`, ... in logs and traces (default `ThreadPoolExecutor-N`). */
  threadNamePrefix?: string;
  /** Run once in each worker before its first task; if it throws, the executor is broken (BrokenExecutorError). */
  initializer?: TargetRef & { args?: unknown[] };
}

export interface ShutdownOptions {
  /** Return only once all accepted work has ended and the workers are gone (default true). */
  wait?: boolean;
  /** Cancel the work that has not started (default false). */
  cancelFutures?: boolean;
}

export interface MapOptions {
  /** From the map() call: a result not there by then rejects the iteration with ERR_TIMEOUT. */
  timeoutMs?: number;
}

let executors = 0;

export class ThreadPoolExecutor implements AsyncDisposable {
  readonly maxWorkers: number;
  readonly threadNamePrefix: string;
  readonly #pool: Tinypool;
  /** Futures accepted and not yet done: what shutdown waits for and cancelFutures cancels. */
  readonly #unfinished = new Set<Future>();
  /** tinypool's worker wrappers whose exit this executor already watches. */
  readonly #watched = new WeakSet<object>();
  #shutdown = false;
  /** terminate() was called: the pool is over, and what its ending does to the work (a worker lost in its initializer) breaks nothing. */
  #terminated = false;
  #broken: BrokenExecutorError | undefined;
  readonly #hasInitializer: boolean;
  #closing: Promise<void> | undefined;
  /** tinypool's destroy, once (shutdown and terminate may both ask for it). */
  #destroyed: Promise<void> | undefined;

  constructor(options: ExecutorOptions = {}) {
    if (typeof options !== 'object' || options === null) throw invalidArg('ThreadPoolExecutor options', 'an object', options);
    const { maxWorkers = availableParallelism(), threadNamePrefix = `ThreadPoolExecutor-${executors++}`, initializer } = options;
    if (!Number.isInteger(maxWorkers) || maxWorkers < 1 || maxWorkers > 1024) throw invalidArg('maxWorkers', 'an integer from 1 to 1024', maxWorkers);
    if (typeof threadNamePrefix !== 'string' || threadNamePrefix === '') throw invalidArg('threadNamePrefix', 'a non-empty string', threadNamePrefix);
    this.maxWorkers = maxWorkers;
    this.threadNamePrefix = threadNamePrefix;
    const setup: PoolSetup = { prefix: threadNamePrefix, counter: new Int32Array(new SharedArrayBuffer(4)) };
    if (initializer !== undefined) {
      const { moduleUrl, target } = resolveTarget(initializer, 'initializer');
      const args: unknown = initializer.args ?? [];
      // Spread into the call: a string would pass its characters, a number would break every worker.
      if (!Array.isArray(args)) throw invalidArg("the initializer's args", 'an array (the arguments of each call)', args);
      checkArgs(args, 'the initializer');
      setup.initializer = { moduleUrl, target, args };
    }
    this.#hasInitializer = setup.initializer !== undefined;
    this.#pool = new Tinypool({
      filename: WORKER_URL,
      minThreads: maxWorkers,
      maxThreads: maxWorkers,
      // Idle workers stay until shutdown (tinypool unrefs them: they do not keep the process alive).
      idleTimeout: 2 ** 30,
      // An idle worker keeps its event loop turning (tinypool's default parks it in Atomics.wait):
      // a timer or rejection a finished target left fires then, between tasks, not in the next
      // task (it is printed, failing no future, either way: stray-errors.ts).
      useAtomics: false,
      workerData: setup,
    });
    // A worker that dies with no task in hand (a process.exit a finished target left in a timer, a
    // fatal error; a thrown error does not end it: stray-errors.ts) is replaced by tinypool;
    // unheard, its 'error' event would end this process. Printed as Python's excepthook.
    this.#pool.on('error', (err: unknown) => {
      console.error(`Exception in a worker of ${this.threadNamePrefix} (between tasks):`, err);
    });
    this.#watchWorkers();
  }

  /**
   * Runs `target(...args)` in a worker; returns its Future. Throws ERR_EXECUTOR_SHUTDOWN after
   * shutdown(), BrokenExecutorError once an initializer failed, ERR_THREAD_ARGS for arguments
   * that cannot be copied to a thread, ERR_INVALID_ARG for a malformed target. A target that is
   * not an exported function fails its future with ERR_THREAD_TARGET.
   */
  submit<T = unknown>(target: TargetRef, ...args: unknown[]): Future<T> {
    if (this.#broken !== undefined) throw new BrokenExecutorError(this.#broken.message);
    if (this.#shutdown) throw new ShakedownError('ERR_EXECUTOR_SHUTDOWN', `submit() after shutdown() or terminate() of ${this.threadNamePrefix}: it accepts no new work`);
    const { moduleUrl, target: name } = resolveTarget(target, 'target');
    checkArgs(args, `${name}'s args`);
    const future = new Future<T>();
    // The executor's bookkeeping does not care what the work returns.
    const tracked = future as unknown as Future;
    this.#unfinished.add(tracked);
    future.addDoneCallback(() => this.#unfinished.delete(tracked));
    const task: Task = { moduleUrl, target: name, args, state: future.state };
    this.#pool.run(task).then(
      (reply: TaskReply) => this.#onReply(tracked, reply),
      (err: unknown) => this.#onWorkerLost(tracked, err),
    );
    this.#watchWorkers();
    return future;
  }

  /**
   * Submits `target(item)` for every item at once and yields the results in input order. The
   * iteration rejects at the first item whose work threw (with that error) or that is not done by
   * `timeoutMs` after this call; the work not yet started is then cancelled.
   */
  map<T = unknown>(target: TargetRef, items: Iterable<unknown>, options: MapOptions = {}): AsyncIterableIterator<T> {
    checkOptions(options, 'map options');
    if (!isIterable(items)) throw invalidArg('map items', 'an iterable of the arguments, one per call (an array, a Set, a generator)', items);
    const deadline = deadlineOf(checkTimeoutMs(options.timeoutMs, 'map timeout'));
    const futures: Array<Future<T>> = [];
    try {
      for (const item of items) futures.push(this.submit<T>(target, item));
    } catch (err) {
      for (const f of futures) f.cancel();
      throw err;
    }
    const timeoutMs = options.timeoutMs;
    return (async function* inOrder(): AsyncGenerator<T> {
      try {
        for (let i = 0; i < futures.length; i++) {
          const f = futures[i]!;
          // Ahead of the wait: a result already here is yielded even at the deadline.
          if (!f.done() && remainingUntil(deadline) === 0) throw timeoutError(`map: item ${i} (of ${futures.length}) not done within ${timeoutMs} ms of the call`);
          try {
            yield await f.result(remainingUntil(deadline));
          } catch (err) {
            if (f.done() || (err as { code?: string }).code !== 'ERR_TIMEOUT') throw err;
            throw timeoutError(`map: item ${i} (of ${futures.length}) not done within ${timeoutMs} ms of the call`);
          }
        }
      } finally {
        for (const f of futures) f.cancel();
      }
    })();
  }

  /**
   * Accepts no more work. With `cancelFutures`, cancels what has not started. With `wait` (the
   * default), resolves once every accepted future is done and the workers have exited; without,
   * at once (the accepted work still runs to its end, then the workers exit).
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    checkOptions(options, 'shutdown options');
    const { wait = true, cancelFutures = false } = options;
    this.#shutdown = true;
    if (cancelFutures) for (const f of [...this.#unfinished]) f.cancel();
    this.#closing ??= this.#drain().then(() => this.#destroyPool());
    if (wait) await this.#closing;
  }

  /**
   * Ends the workers now, whatever they run (Worker.terminate), and fails every unfinished future
   * with ERR_EXECUTOR_TERMINATED; accepts no more work. The way out of a task that never ends (a
   * promise that never settles, an endless loop), which shutdown({ wait: true }) would wait for
   * forever, as Python's does; a pending shutdown resolves then. Resolves once the workers are gone.
   * What the work had done to shared memory stays done: a task cut short may leave it half-written.
   */
  async terminate(): Promise<void> {
    this.#shutdown = true;
    this.#terminated = true;
    // Before the workers go: tinypool would fail their tasks with its own "Terminating worker thread".
    for (const f of [...this.#unfinished]) {
      f.setException(new ShakedownError('ERR_EXECUTOR_TERMINATED', `terminate() of ${this.threadNamePrefix} ended the pool before this task finished`));
    }
    await this.#destroyPool();
  }

  /** `await using executor = new ThreadPoolExecutor()`: shutdown({ wait: true }) at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown({ wait: true });
  }

  #destroyPool(): Promise<void> {
    return (this.#destroyed ??= this.#pool.destroy());
  }

  /** Resolves once no accepted future is left unfinished. */
  async #drain(): Promise<void> {
    while (this.#unfinished.size > 0) {
      const [first] = this.#unfinished;
      await new Promise<void>((resolve) => first!.addDoneCallback(() => resolve()));
    }
  }

  #onReply(future: Future, reply: TaskReply): void {
    this.#watchWorkers();
    if (reply.ok) {
      // A task the worker found cancelled: the future settled as cancelled when cancel() won.
      if (reply.cancelled !== true) future.setResult(reply.value);
      return;
    }
    if (reply.broken === true && !this.#terminated) {
      this.#breakPool(future, errorOfOutcome(reply.error));
      return;
    }
    future.setException(errorOfOutcome(reply.error));
  }

  /** tinypool rejected the task: its worker died (an exit we turned into an error, a fatal error) or the pool was destroyed. */
  #onWorkerLost(future: Future, err: unknown): void {
    this.#watchWorkers();
    let lost: Error;
    if (err instanceof ShakedownError && err.code === 'ERR_EXECUTOR_WORKER_EXITED') {
      lost = err;
    } else {
      const reason = describeError(err);
      lost = new ShakedownError('ERR_EXECUTOR_WORKER_EXITED', `the worker running this task ended before it finished (${reason})`);
      (lost as Error & { cause?: unknown }).cause = err;
    }
    // Started, but the worker died before the target ran: in its initializer (process.exit there).
    // That breaks the pool as a throwing initializer does, instead of restarting a worker per task.
    // Not after terminate(): that ends the workers wherever they are (an initializer included), and
    // the pool is terminated, not broken; its futures already failed with ERR_EXECUTOR_TERMINATED.
    if (!this.#terminated && this.#hasInitializer && Atomics.load(future.state, 0) !== TASK_PENDING && Atomics.load(future.state, RUNS_TARGET) === 0) {
      this.#breakPool(future, lost);
      return;
    }
    future.setException(lost);
  }

  /** An initializer failed: this future and every one not yet started fail, and no new work is accepted (Python's BrokenThreadPool). */
  #breakPool(future: Future, cause: Error): void {
    if (this.#broken === undefined) {
      this.#broken = new BrokenExecutorError(`${this.threadNamePrefix} is broken: a worker's initializer failed (${cause.name}: ${cause.message})`);
      (this.#broken as Error & { cause?: unknown }).cause = cause;
      console.error(`Exception in initializer of ${this.threadNamePrefix}:`, cause);
    }
    future.setException(this.#broken);
    // Work already running on other workers runs to its end, as in Python.
    for (const f of [...this.#unfinished]) f.setExceptionIfNotStarted(this.#broken);
  }

  /**
   * tinypool listens for its workers' 'error' but not their 'exit': a worker whose task called
   * process.exit would hold that task forever and never be replaced. So each worker's unexpected
   * exit (while tinypool still lists it) is handed to tinypool as an error: it then fails the
   * worker's task (our #onWorkerLost) and starts a replacement.
   */
  #watchWorkers(): void {
    for (const worker of this.#pool.threads) {
      if (worker === null || this.#watched.has(worker)) continue;
      this.#watched.add(worker);
      worker.once('exit', (code: number) => {
        if (this.#terminated || !this.#pool.threads.includes(worker)) return;
        worker.emit('error', new ShakedownError('ERR_EXECUTOR_WORKER_EXITED', `a worker of ${this.threadNamePrefix} exited (code ${code}): process.exit in a target, an initializer or something a target left running`));
      });
    }
  }
}

function resolveTarget(ref: TargetRef, what: string): { moduleUrl: string; target: string } {
  if (typeof ref !== 'object' || ref === null) throw invalidArg(`the ${what}`, "an object { module, target } naming a module and its exported function (Node cannot send a closure to a thread)", ref);
  const { module, target = 'default' } = ref;
  if ((typeof module !== 'string' || module === '') && !(module instanceof URL)) throw invalidArg(`the ${what}'s module`, 'a path or a URL of the module exporting the function', module);
  if (typeof target !== 'string' || target === '') throw invalidArg(`the ${what}'s target`, "the name of an exported function ('default' for the default export)", target);
  return { moduleUrl: moduleUrlOf(module), target };
}

function checkArgs(args: unknown[], what: string): void {
  try {
    structuredClone(args);
  } catch (err) {
    throw new ShakedownError('ERR_THREAD_ARGS', `${what} cannot be copied to a thread (${describeError(err)}); pass plain data, SharedArrayBuffers or primitives`);
  }
}

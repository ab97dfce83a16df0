/**
 * Python's threading.Thread over a worker thread. The target is an exported function of a module
 * (Node cannot send a closure to another thread): `new Thread({ module, target, args, name, daemon })`.
 * `join()` works synchronously in any thread, a worker included: the worker leaves the outcome on a
 * MessagePort and then raises a shared "ended" word (thread-entry.ts), and the joiner sleeps on
 * that word, then reads the port with receiveMessageOnPort (no event loop needed).
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { ShakedownError, invalidArg } from './errors.js';
import { errorOfOutcome, moduleUrlOf } from './outcome.js';
import { describeError } from './thrown.js';
import { T_CANCEL, T_ENDED, T_NATIVE_ID, THREAD_WORDS, publishThreadEnded, untilThreadEnded, type ThreadOutcome } from './thread-words.js';
import { markEnded, registerJoinable, startThread } from './threads.js';
import { checkTimeout, deadlineOf } from './validate.js';
import { type Blocking, runAsync, runSync } from './wait.js';

const ENTRY = new URL('./thread-entry.js', import.meta.url);

export interface ThreadOptions {
  /** The module of the target: a path (relative to the working directory) or a URL. */
  module: string | URL;
  /** The exported function to run (default: the module's default export). */
  target?: string;
  /** Its arguments, copied to the thread (plain data, SharedArrayBuffers and primitives' handles). */
  args?: unknown[];
  /** Default: Thread-N, as Python names them. */
  name?: string;
  /** A daemon thread does not keep the process alive (Python's daemon=True). */
  daemon?: boolean;
}

let unnamed = 0;

export class Thread {
  readonly name: string;
  readonly daemon: boolean;
  readonly #moduleUrl: string;
  readonly #target: string;
  readonly #args: unknown[];
  /** T_ENDED and T_NATIVE_ID (thread-words.ts), shared with the worker. */
  readonly #words = new Int32Array(new SharedArrayBuffer(THREAD_WORDS * 4));
  #worker: Worker | undefined;
  #port: MessagePort | undefined;
  #outcome: ThreadOutcome | undefined;
  #ident: number | undefined;
  /** Timer (timer.ts): the worker waits this long before running the target, unless cancelled. */
  readonly #delayMs: number | undefined;

  /** `delayMs` is Timer's (timer.ts), not part of a plain Thread. */
  constructor(options: ThreadOptions, delayMs?: number) {
    this.#delayMs = delayMs;
    if (typeof options !== 'object' || options === null) throw invalidArg('Thread options', 'an object with module and target', options);
    const { module, target = 'default', args = [], name, daemon = false } = options;
    if ((typeof module !== 'string' || module === '') && !(module instanceof URL)) throw invalidArg('Thread module', 'a path or a URL of the module exporting the target', module);
    if (typeof target !== 'string' || target === '') throw invalidArg('Thread target', "the name of an exported function ('default' for the default export)", target);
    if (!Array.isArray(args)) throw invalidArg('Thread args', 'an array', args);
    if (name !== undefined && (typeof name !== 'string' || name === '')) throw invalidArg('Thread name', 'a non-empty string', name);
    if (typeof daemon !== 'boolean') throw invalidArg('Thread daemon', 'a boolean', daemon);
    this.#moduleUrl = moduleUrlOf(module);
    this.#target = target;
    this.#args = args;
    this.name = name ?? `Thread-${++unnamed} (${target})`;
    this.daemon = daemon;
  }

  /** Starts the thread; once only. From here on it is listed by enumerateThreads() in this thread. */
  start(): void {
    if (this.#worker !== undefined) throw new ShakedownError('ERR_THREAD_STATE', `${this.name} was already started: a Thread starts once`);
    // Copied here first, so that whatever cannot be copied (a function, a MessagePort, a getter that
    // throws) is ERR_THREAD_ARGS, whichever way structured clone fails.
    try {
      structuredClone(this.#args);
    } catch (err) {
      throw new ShakedownError('ERR_THREAD_ARGS', `${this.name}'s args cannot be copied to a thread (${describeError(err)}); pass plain data, SharedArrayBuffers or primitives`);
    }
    const { port1, port2 } = new MessageChannel();
    try {
      this.#worker = startThread(ENTRY, {
        name: this.name,
        workerData: {
          moduleUrl: this.#moduleUrl,
          target: this.#target,
          args: this.#args,
          words: this.#words,
          port: port2,
          ...(this.#delayMs !== undefined ? { runAt: performance.timeOrigin + performance.now() + this.#delayMs } : {}),
        },
        transferList: [port2],
      });
    } catch (err) {
      port1.close();
      port2.close();
      if ((err as Error).name === 'DataCloneError') {
        throw new ShakedownError('ERR_THREAD_ARGS', `${this.name}'s args cannot be copied to a thread (${(err as Error).message}); pass plain data, SharedArrayBuffers or primitives`);
      }
      throw err;
    }
    this.#port = port1;
    const worker = this.#worker;
    this.#ident = worker.threadId;
    registerJoinable(worker.threadId, this);
    if (this.daemon) worker.unref();
    // An error thrown in the worker outside the target's call (a timer it left, an unhandled
    // rejection) is printed as Python's threading.excepthook does; unhandled, Node would end this
    // whole process with it.
    worker.on('error', (err) => {
      console.error(`Exception in thread ${this.name}:`, err);
    });
    void this.#whenEnded(worker);
    // Ended without its exit handlers (terminate(), a fatal error): the thread is over all the same.
    this.#worker.once('exit', (code) => {
      if (Atomics.load(this.#words, T_ENDED) !== 0) return;
      this.#outcome = { ok: false, error: { name: 'ShakedownError', code: 'ERR_THREAD_EXITED', message: `${this.name} ended without finishing its target (exit code ${code})` } };
      publishThreadEnded(this.#words);
    });
  }

  /**
   * Waits until the thread ended (true) or `timeoutMs` passed (false). Blocks the calling thread,
   * a worker or the main thread alike; in the thread that started it, a thread killed from outside
   * (terminate()) is only seen by joinAsync or a join with a timeout (its exit event needs the loop).
   */
  join(timeoutMs?: number): boolean {
    const ended = runSync(this.#untilEnded(checkTimeout(timeoutMs, 'join timeout'), 'join'));
    if (ended) this.#collect();
    return ended;
  }

  /** As join, without blocking the event loop (Atomics.waitAsync). */
  async joinAsync(timeoutMs?: number): Promise<boolean> {
    const ended = await runAsync(this.#untilEnded(checkTimeout(timeoutMs, 'join timeout'), 'joinAsync'));
    if (ended) this.#collect();
    return ended;
  }

  /** Timer's cancel(): raises the cancel word the worker sleeps on before running the target. */
  protected cancelDelay(): void {
    Atomics.store(this.#words, T_CANCEL, 1);
    Atomics.notify(this.#words, T_CANCEL);
  }

  /** Timer: whether the thread ended because it was cancelled before its target ran (after a join that returned true). */
  protected endedCancelled(): boolean {
    return this.#outcome?.ok === true && this.#outcome.cancelled === true;
  }

  /** True from start() until the target returned or threw. */
  isAlive(): boolean {
    return this.#worker !== undefined && Atomics.load(this.#words, T_ENDED) === 0;
  }

  /** The worker's threadId once started (Python's ident), else undefined. */
  get ident(): number | undefined {
    return this.#ident;
  }

  /** The OS thread id once the thread runs (Linux), else undefined. */
  get nativeId(): number | undefined {
    const id = Atomics.load(this.#words, T_NATIVE_ID);
    return id === 0 ? undefined : id;
  }

  /** What the target returned, after a join that returned true; undefined before, or if it threw. */
  get result(): unknown {
    return this.#outcome?.ok === true ? this.#outcome.value : undefined;
  }

  /** What the target threw (an Error with its name, message, stack and code), after a join that returned true; undefined if it returned. */
  get error(): Error | undefined {
    const o = this.#outcome;
    return o === undefined || o.ok ? undefined : errorOfOutcome(o.error);
  }

  *#untilEnded(timeoutMs: number, what: string): Blocking<boolean> {
    if (this.#worker === undefined) throw new ShakedownError('ERR_THREAD_STATE', `${what}() on ${this.name}, which was never started: call start() first`);
    return yield* untilThreadEnded(this.#words, deadlineOf(timeoutMs));
  }

  /**
   * Once the target returned or threw, the thread is over as Python counts it: it leaves the
   * listing (enumerateThreads) and no longer keeps the process alive, even if its worker lingers
   * on handles the target left open (a setInterval) or is still shutting down.
   */
  async #whenEnded(worker: Worker): Promise<void> {
    const w = Atomics.waitAsync(this.#words, T_ENDED, 0);
    if (w.async) await w.value;
    this.#over(worker);
  }

  /** Unlisted here and no longer holding the process open (by the id saved at start: Node sets worker.threadId to -1 once it exited). */
  #over(worker: Worker): void {
    markEnded(this.#ident!);
    worker.unref();
  }

  /** Takes the outcome the worker left on the port (once; later joins keep it). */
  #collect(): void {
    // Over as soon as a join saw it end (#whenEnded does the same a little later for threads nobody joins).
    if (this.#worker !== undefined) this.#over(this.#worker);
    if (this.#outcome === undefined && this.#port !== undefined) {
      const m = receiveMessageOnPort(this.#port);
      if (m !== undefined) this.#outcome = m.message as ThreadOutcome;
    }
    this.#port?.close();
    this.#port = undefined;
  }
}

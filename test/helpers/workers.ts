/**
 * Main-thread side of the worker tests: start fixture workers, wait for their
 * messages with a deadline, and always tear them down. Every wait here rejects
 * after a timeout (terminating the worker it waited on), so a hang in a
 * primitive shows up as a failed test instead of a stuck suite.
 */
import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import { startThread } from '@shakedown/primitives';

/** Long enough for a loaded 2-core machine to start a worker and run a short scenario; short enough to keep a hang cheap. */
export const DEFAULT_WAIT_MS = 8000;

/**
 * The timeout a fixture (or the main thread) gives its own wait in a test of a
 * wake-up. Far longer than DEFAULT_WAIT_MS on purpose: most waits give the same
 * answer on timeout as on a wake-up (they re-check the state when the timer
 * fires), so with a shorter timeout a lost wake-up would still pass. With this
 * one it shows as the test's result wait (DEFAULT_WAIT_MS) running out.
 */
export const WAKE_TEST_TIMEOUT_MS = 30_000;

/** Asserts that a wait of WAKE_TEST_TIMEOUT_MS ended by a wake-up, long before its own timeout could have fired. */
export function assertWokenEarly(elapsedMs: number, what: string): void {
  assert.ok(
    elapsedMs < WAKE_TEST_TIMEOUT_MS / 2,
    `${what} returned after ${elapsedMs.toFixed(0)} ms: its own ${WAKE_TEST_TIMEOUT_MS} ms timeout fired, the wake-up never came`,
  );
}

export interface ErrorInfo {
  name: string;
  message: string;
  code?: string;
  stack?: string;
  cycle?: unknown;
}

export interface WorkerMessage {
  type: string;
  payload?: unknown;
  result?: unknown;
  error?: ErrorInfo;
}

/** An error thrown in a fixture, rebuilt on the main thread with the fields the tests match on. */
export class WorkerFailure extends Error {
  readonly code: string | undefined;
  readonly cycle: unknown;
  constructor(worker: string, info: ErrorInfo) {
    super(`worker ${worker} failed: ${info.name}: ${info.message}\n${info.stack ?? ''}`);
    this.name = 'WorkerFailure';
    this.code = info.code;
    this.cycle = info.cycle;
  }
}

interface Pending {
  type: string;
  resolve: (m: WorkerMessage) => void;
  reject: (e: Error) => void;
}

export class TestWorker {
  readonly worker: Worker;
  readonly name: string;
  /** Resolves with the exit code once the thread has ended (and startThread has reaped its registry slot). */
  readonly exited: Promise<number>;
  #inbox: WorkerMessage[] = [];
  #pending: Pending[] = [];
  #failure: Error | null = null;
  #hasExited = false;

  constructor(worker: Worker, name: string) {
    this.worker = worker;
    this.name = name;
    worker.on('message', (m: WorkerMessage) => {
      this.#inbox.push(m);
      this.#deliver();
    });
    worker.on('error', (err: Error) => this.#fail(err));
    this.exited = new Promise((resolve) => {
      worker.once('exit', (code: number) => {
        this.#hasExited = true;
        this.#fail(new Error(`worker ${name} exited (code ${code}) before sending the awaited message`));
        resolve(code);
      });
    });
  }

  get hasExited(): boolean {
    return this.#hasExited;
  }

  /**
   * The next message of `type` (earlier messages of other types stay queued).
   * Rejects if the fixture reports an unexpected error, the thread dies, or
   * `timeoutMs` passes; on timeout the worker is terminated.
   */
  next(type: string, timeoutMs = DEFAULT_WAIT_MS): Promise<WorkerMessage> {
    return new Promise<WorkerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = this.#pending.filter((p) => p !== entry);
        void this.worker.terminate();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for '${type}' from worker ${this.name}`));
      }, timeoutMs);
      const entry: Pending = {
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.#pending.push(entry);
      this.#deliver();
    });
  }

  /** The value the fixture's scenario returned. */
  async result<T>(timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    const m = await this.next('done', timeoutMs);
    return m.result as T;
  }

  #deliver(): void {
    for (const p of [...this.#pending]) {
      const err = this.#inbox.find((m) => m.type === 'error');
      if (err !== undefined) {
        this.#pending = this.#pending.filter((q) => q !== p);
        p.reject(new WorkerFailure(this.name, err.error!));
        continue;
      }
      const i = this.#inbox.findIndex((m) => m.type === p.type);
      if (i >= 0) {
        const [m] = this.#inbox.splice(i, 1);
        this.#pending = this.#pending.filter((q) => q !== p);
        p.resolve(m!);
      } else if (this.#failure !== null) {
        this.#pending = this.#pending.filter((q) => q !== p);
        p.reject(this.#failure);
      }
    }
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    this.#deliver();
  }
}

export interface StartOptions {
  name?: string;
  workerData?: unknown;
}

/** Tracks every worker a test starts so that afterEach can end them all, whatever the test did. */
export class Workers {
  #all: TestWorker[] = [];
  #count = 0;

  start(url: URL, options: StartOptions = {}): TestWorker {
    const name = options.name ?? `fixture-${++this.#count}`;
    const worker = startThread(url, { name, workerData: options.workerData });
    const tw = new TestWorker(worker, name);
    this.#all.push(tw);
    return tw;
  }

  /** Terminates the workers still running and waits for their exit (bounded: terminate ends even a thread spinning forever). */
  async terminateAll(): Promise<void> {
    const all = this.#all;
    this.#all = [];
    await Promise.all(
      all.map(async (w) => {
        if (!w.hasExited) await w.worker.terminate();
        await withTimeout(w.exited, DEFAULT_WAIT_MS, `exit of worker ${w.name}`);
      }),
    );
  }
}

export function withTimeout<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Polls `condition` on the event loop (so workers' messages keep flowing) until it holds or `timeoutMs` passes. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await delay(1);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import { Worker, type WorkerOptions, isMainThread, threadId } from 'node:worker_threads';
import { liveThreadCount, liveThreads, ownSlot, presetChildThreadName, reapThread, setThreadName as setName, threadNameOf, type ThreadInfo } from './registry.js';

export type { ThreadInfo } from './registry.js';

/** The calling thread: its `worker_threads.threadId`, its name (`main`, `worker-<id>`, or as set) and whether it is the main thread. */
export function currentThread(): ThreadInfo {
  ownSlot();
  return { id: threadId, name: threadNameOf(threadId), isMain: isMainThread };
}

export function mainThread(): ThreadInfo {
  return liveThreads().find((t) => t.isMain) ?? { id: 0, name: 'main', isMain: true };
}

/** Names the calling thread in logs, traces and deadlock reports (up to 64 UTF-8 bytes are kept). */
export function setThreadName(name: string): void {
  setName(name);
}

/**
 * Threads this thread started with startThread() that have not exited, by thread id, with the name
 * they were given: listed from start(), before they import the package (tens of ms later), and even
 * if they never do. Other threads see them once they register.
 */
const started = new Map<number, string>();
/** Threads of this thread's Thread objects whose target has ended (thread.ts): unlisted though their worker may linger. */
const ended = new Set<number>();

/** What a Thread object (thread.ts) gives a listed thread: it can be joined from the thread that started it. */
export interface JoinableThread {
  join(timeoutMs?: number): boolean;
  joinAsync(timeoutMs?: number): Promise<boolean>;
  isAlive(): boolean;
}

/** A listed thread: a record, with join/joinAsync/isAlive when this thread started it as a Thread (Python's enumerate() gives Thread objects). */
export type ListedThread = ThreadInfo & Partial<JoinableThread>;

/** This thread's Thread objects by thread id, from start() until their target ends. */
const joinable = new Map<number, JoinableThread>();

/** Thread.start(): listed from now on with its join methods. */
export function registerJoinable(id: number, thread: JoinableThread): void {
  joinable.set(id, thread);
}

/** A Thread's target ended: the thread is no longer listed here, whatever its worker still does. */
export function markEnded(id: number): void {
  if (started.has(id)) ended.add(id);
  joinable.delete(id);
}

/**
 * Live threads: those that have imported @shakedown/primitives and not exited (a terminated Worker
 * until reapThread; startThread reaps its own), and the ones this thread started with startThread()
 * from the moment they were started.
 */
export function enumerateThreads(): ListedThread[] {
  const listed: ListedThread[] = liveThreads().filter((t) => !ended.has(t.id));
  const seen = new Set(listed.map((t) => t.id));
  for (const [id, name] of started) if (!seen.has(id) && !ended.has(id)) listed.push({ id, name, isMain: false });
  return listed.map((info) => {
    const t = joinable.get(info.id);
    if (t === undefined) return info;
    // Python's "for t in enumerate(): if t is not main_thread(): t.join()" works on these.
    return { ...info, join: (ms?: number) => t.join(ms), joinAsync: (ms?: number) => t.joinAsync(ms), isAlive: () => t.isAlive() };
  });
}

export function activeThreadCount(): number {
  if (started.size === 0 && ended.size === 0) return liveThreadCount();
  return enumerateThreads().length;
}

export interface StartThreadOptions extends WorkerOptions {
  /** The thread's name, visible to it from its first line. */
  name?: string;
}

/**
 * `new Worker(...)` that names the thread and removes it from the registry
 * when it exits, however it exits (including `terminate()`).
 */
export function startThread(filename: string | URL, options: StartThreadOptions = {}): Worker {
  const { name, ...workerOptions } = options;
  ownSlot();
  presetChildThreadName(name);
  let worker: Worker;
  try {
    worker = new Worker(filename, workerOptions);
  } finally {
    presetChildThreadName(undefined);
  }
  const id = worker.threadId;
  started.set(id, name ?? `worker-${id}`);
  worker.once('exit', () => {
    started.delete(id);
    ended.delete(id);
    joinable.delete(id);
    reapThread(id);
  });
  return worker;
}

/**
 * A value per thread. Every worker has its own module instances, so plain
 * module state is already thread-local in JavaScript; this class just makes
 * the intent explicit and gives each thread a lazily built default.
 */
export class ThreadLocal<T> {
  #initialised = false;
  #value: T | undefined;
  readonly #init: () => T;
  constructor(init: () => T) {
    this.#init = init;
  }
  get(): T {
    if (!this.#initialised) {
      this.#value = this.#init();
      this.#initialised = true;
    }
    return this.#value as T;
  }
  set(value: T): void {
    this.#value = value;
    this.#initialised = true;
  }
}


/**
 * The contract a user's primitive meets to be validated by the conformance
 * suites (docs/contracts.md). A module exports, as default or as `impl`, an
 * object `{ kind, name, create(options), attach(handle) }`:
 * - `create(options)` runs in the main thread, once per trial, and returns a
 *   structured-cloneable handle (SharedArrayBuffers and plain data);
 * - `attach(handle)` runs in each worker (and in the main thread for the
 *   single-thread checks) and returns the object whose methods the suites call.
 */

/**
 * The kinds of primitive a user's implementation can be validated as: the one list every other
 * (the suite API's implKind, the conformance suites, --impl, the help text) derives from.
 */
export const IMPL_KINDS = ['lock', 'rlock', 'semaphore', 'barrier', 'event', 'condition', 'queue'] as const;

export type ImplKind = (typeof IMPL_KINDS)[number];

export function isImplKind(name: unknown): name is ImplKind {
  return (IMPL_KINDS as readonly unknown[]).includes(name);
}

/** What `create` receives: the primitive's parameters, chosen by the suite. */
export interface CreateOptions {
  /** semaphore: initial and maximum permits. */
  permits?: number;
  /** barrier: threads per generation. */
  parties?: number;
  /** queue: most messages held at once. */
  capacity?: number;
}

export interface ImplModule<H = unknown, I = unknown> {
  kind: ImplKind;
  /** Shown in configuration keys and reports: `conformance/lock/<name>/t2/...`. */
  name: string;
  create(options: CreateOptions): H;
  attach(handle: H): I;
  /** Declared behaviour the suites then check (see each kind's interface). */
  capabilities?: Record<string, boolean>;
  /** Most threads that may use one instance at once (2 for a single-producer single-consumer queue). */
  maxThreads?: number;
}

/** lock: mutual exclusion. `acquire(0)` tries without waiting; no timeout waits forever. */
export interface LockImpl {
  /** true when acquired; false when `timeoutMs` passed first. */
  acquire(timeoutMs?: number): boolean;
  /** Releases the lock held by the calling thread. */
  release(): void;
  tryAcquire?(): boolean;
}

/** The capability every kind may declare. */
export interface TimeoutCapability {
  /**
   * false: blocking calls ignore their timeout and block (a lock with only lock()/unlock(), a queue
   * with only blocking put/get). The suites then make every call without one, and skip the checks
   * that need a timeout (docs/contracts.md lists them per kind). Default true.
   */
  timeouts?: boolean;
}

/** Capabilities of lock and rlock. */
export interface LockCapabilities extends TimeoutCapability {
  /** release() by a thread that does not hold the lock throws and leaves the lock held. */
  releaseByNonOwnerThrows?: boolean;
}

/** rlock: like lock, and the owner may acquire again; it is free after as many releases. */
export type RLockImpl = LockImpl;

/** semaphore: at most `permits` holders. */
export interface SemaphoreImpl {
  acquire(timeoutMs?: number): boolean;
  release(): void;
  tryAcquire?(): boolean;
}

export interface SemaphoreCapabilities extends TimeoutCapability {
  /** release() beyond the initial permits throws (a bounded semaphore). */
  boundedRelease?: boolean;
}

/** barrier: `parties` threads meet, generation after generation. */
export interface BarrierImpl {
  /** Returns when all parties have arrived; throws on timeout or when the barrier is broken. */
  wait(timeoutMs?: number): unknown;
  /** Breaks the barrier: current and later waiters throw. */
  abort?(): void;
}

/** Capabilities of barrier, event and queue. */
export type BarrierCapabilities = TimeoutCapability;
export type EventCapabilities = TimeoutCapability;
export type QueueCapabilities = TimeoutCapability;

/** event: a flag threads wait on. */
export interface EventImpl {
  set(): void;
  clear(): void;
  isSet(): boolean;
  /** true once set (at once if set already); false when `timeoutMs` passed first. */
  wait(timeoutMs?: number): boolean;
}

/** condition: a condition variable with its own lock. */
export interface ConditionImpl {
  acquire(timeoutMs?: number): boolean;
  release(): void;
  /** Called holding the lock: releases it, sleeps, re-acquires. true if woken by notify, false on timeout. */
  wait(timeoutMs?: number): boolean;
  /** Wakes at most n waiters (default 1); called holding the lock. */
  notify(n?: number): unknown;
  notifyAll?(): unknown;
}

/** Capabilities of condition. */
export interface ConditionCapabilities extends TimeoutCapability {
  /**
   * wait() may return true without its own notify (POSIX, Java, C++ promise no more): notify(n)
   * may wake more than n. The suite then does not hold it to "at most n"; a woken waiter still
   * re-checks and waits again, and no wake-up may be lost. Without it, Python's promise holds:
   * notify(n) wakes at most n.
   */
  spuriousWakeups?: boolean;
}

/** queue: a bounded FIFO of numbers. */
export interface QueueImpl {
  /** true when stored; false when still full after `timeoutMs`, or closed. */
  put(value: number, timeoutMs?: number): boolean;
  /** The oldest value; undefined when still empty after `timeoutMs`, or closed and drained. */
  get(timeoutMs?: number): number | undefined;
  /** No more puts; get() drains what is left, then returns undefined at once. */
  close?(): void;
}

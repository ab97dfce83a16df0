/**
 * @shakedown/primitives: concurrency primitives over SharedArrayBuffer +
 * Atomics for Node.js worker threads. Zero dependencies.
 *
 * Create a primitive in one thread, send it to workers (`postMessage(lock)`,
 * `workerData: { lock }`, or `lock.handle()`), and attach it there with
 * `Lock.from(...)` or `attach(...)`. Every blocking call has a synchronous form
 * (Atomics.wait: workers) and an async form (Atomics.waitAsync: the main
 * thread), takes an optional timeout in milliseconds, and passes through the
 * yield-point hook.
 */
export { Lock, type LockHandle, type LockOptions } from './lock.js';
export { RLock, type RLockHandle, type RLockOptions } from './rlock.js';
export { Semaphore, BoundedSemaphore, type SemaphoreHandle, type SemaphoreOptions } from './semaphore.js';
export { Barrier, type BarrierHandle, type BarrierOptions } from './barrier.js';
export { Event, type EventHandle, type EventOptions } from './event.js';
export { Condition, type ConditionHandle, type ConditionOptions, type ConditionLock } from './condition.js';
export { Queue, type QueueHandle, type QueueOptions } from './queue.js';
export { AtomicInt, AtomicBigInt, type AtomicIntHandle, type AtomicBigIntHandle, type AtomicOptions } from './atomic.js';
export {
  currentThread,
  mainThread,
  setThreadName,
  enumerateThreads,
  activeThreadCount,
  startThread,
  ThreadLocal,
  type ThreadInfo,
  type ListedThread,
  type JoinableThread,
  type StartThreadOptions,
} from './threads.js';
export { Thread, type ThreadOptions } from './thread.js';
export { Timer } from './timer.js';
// The cross-thread protocols under Thread.join and shakedown's ThreadPoolExecutor, exported for the
// executor (root package) and for the `executor` suite that stress-tests them.
export { publishThreadEnded, untilThreadEnded } from './thread-words.js';
export { TASK_PENDING, TASK_RUNNING, TASK_CANCELLED, TASK_FINISHED, tryStartTask, tryCancelTask, finishTask, failPendingTask, untilTasksSettled } from './task-state.js';
export { errorOfOutcome, moduleUrlOf, loadTarget, type TargetOutcome, type OutcomeError } from './outcome.js';
export { thrownOutcome, describeError, describeValue } from './thrown.js';
export { runSync, runAsync, type Blocking } from './wait.js';
export { checkTimeout, deadlineOf, remainingUntil } from './validate.js';
export { createLogger, writeLine, type Logger, type LoggerOptions, type LogLevel } from './logger.js';
export { setDeadlockDetection, deadlockDetectionEnabled, waitForTable, reapThread, NO_HOLDER, type WaitRecord } from './registry.js';
// Internal to the stress harness (in-worker trials): the same setup run in every thread makes primitives with the same ids.
export { reservePrimitiveIds, withPrimitiveIds, countPrimitiveIds, forgetHeldLocks } from './registry.js';
export { setYieldHook, getYieldHook, yieldPoint, type YieldHook, type YieldOp } from './yield-point.js';
export { type Guard } from './guard.js';
export { type Placement, CACHE_LINE } from './memory.js';
export { attach, type AnyHandle, type AnyPrimitive } from './attach.js';
export {
  ShakedownError,
  DeadlockError,
  BrokenBarrierError,
  QueueFullError,
  QueueEmptyError,
  QueueClosedError,
  describeCycle,
  // ERR_INVALID_ARG with the message every primitive gives (used by shakedown's ThreadPoolExecutor too).
  invalidArg,
  type ErrorCode,
  type WaitEdge,
} from './errors.js';

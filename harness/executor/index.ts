/**
 * Python's concurrent.futures for worker threads: ThreadPoolExecutor, Future, asCompleted, wait.
 * In the root package (it runs on tinypool); the primitives stay dependency-free.
 */
export { ThreadPoolExecutor, BrokenExecutorError, type ExecutorOptions, type ShutdownOptions, type MapOptions } from './executor.js';
export { Future, CancelledError } from './future.js';
export { asCompleted, wait, FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED, type ReturnWhen, type WaitResult, type FutureSource } from './as-completed.js';
export type { TargetRef } from './task-message.js';

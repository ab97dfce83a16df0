/**
 * Every error thrown by @shakedown/primitives carries a stable `code` (match on
 * it, not on the message) and a message that names what was wrong.
 */
export type ErrorCode =
  | 'ERR_INVALID_ARG'
  | 'ERR_INVALID_TIMEOUT'
  | 'ERR_TIMEOUT'
  | 'ERR_BAD_HANDLE'
  | 'ERR_LOCK_NOT_OWNER'
  | 'ERR_DEADLOCK'
  | 'ERR_SEMAPHORE_OVER_RELEASE'
  | 'ERR_BARRIER_BROKEN'
  | 'ERR_BARRIER_ACTION_MISSING'
  | 'ERR_QUEUE_FULL'
  | 'ERR_QUEUE_EMPTY'
  | 'ERR_QUEUE_CLOSED'
  | 'ERR_QUEUE_MESSAGE_TOO_LARGE'
  | 'ERR_QUEUE_TASK_DONE'
  | 'ERR_CONDITION_TOO_MANY_WAITERS'
  | 'ERR_THREAD_REGISTRY_FULL'
  | 'ERR_THREAD_STATE'
  | 'ERR_THREAD_ARGS'
  | 'ERR_THREAD_TARGET'
  | 'ERR_THREAD_RESULT'
  | 'ERR_THREAD_EXITED'
  | 'ERR_THREAD_THROWN_UNREADABLE'
  // shakedown's ThreadPoolExecutor and its futures (they live in the root package, over tinypool).
  | 'ERR_FUTURE_CANCELLED'
  | 'ERR_EXECUTOR_SHUTDOWN'
  | 'ERR_EXECUTOR_BROKEN'
  | 'ERR_EXECUTOR_WORKER_EXITED'
  | 'ERR_EXECUTOR_TERMINATED';

export class ShakedownError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One edge of a wait-for cycle: `thread` holds nothing we know of except what the previous edge waits for, and waits for `waitsFor`, held by `heldBy`. */
export interface WaitEdge {
  thread: string;
  threadId: number;
  waitsFor: string;
  heldBy: string;
  heldById: number;
}

/** Thrown to one thread of a lock cycle (or to an owner re-acquiring a non-reentrant Lock) instead of hanging. */
export class DeadlockError extends ShakedownError {
  readonly cycle: WaitEdge[];
  constructor(cycle: WaitEdge[], message?: string) {
    super('ERR_DEADLOCK', message ?? `deadlock: ${describeCycle(cycle)}`);
    this.cycle = cycle;
  }
}

export function describeCycle(cycle: readonly WaitEdge[]): string {
  return cycle.map((e) => `${e.thread} waits for ${e.waitsFor} held by ${e.heldBy}`).join('; ');
}

export class BrokenBarrierError extends ShakedownError {
  constructor(message: string) {
    super('ERR_BARRIER_BROKEN', message);
  }
}

export class QueueFullError extends ShakedownError {
  constructor(message: string) {
    super('ERR_QUEUE_FULL', message);
  }
}

export class QueueEmptyError extends ShakedownError {
  constructor(message: string) {
    super('ERR_QUEUE_EMPTY', message);
  }
}

export class QueueClosedError extends ShakedownError {
  constructor(message: string) {
    super('ERR_QUEUE_CLOSED', message);
  }
}

export function invalidArg(what: string, expected: string, got: unknown): ShakedownError {
  return new ShakedownError('ERR_INVALID_ARG', `${what} must be ${expected}, got ${formatValue(got)}`);
}

export function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || typeof v !== 'object') return String(v);
  return Object.prototype.toString.call(v);
}

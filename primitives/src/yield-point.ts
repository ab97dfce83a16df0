/**
 * Yield points: every primitive operation calls `yieldPoint(op, name)` at its
 * start (before touching shared state) and at the moments worth tracing
 * (acquired, released, woken). With no hook installed the cost is one load and
 * one predictable branch. The harness installs a hook per thread to inject
 * seeded jitter and to record a trace; nothing here knows about either.
 */
export type YieldOp =
  | 'lock.acquire'
  | 'lock.acquired'
  | 'lock.release'
  | 'lock.wait'
  | 'rlock.acquire'
  | 'rlock.acquired'
  | 'rlock.release'
  | 'semaphore.acquire'
  | 'semaphore.acquired'
  | 'semaphore.release'
  | 'barrier.arrive'
  | 'barrier.pass'
  | 'barrier.abort'
  | 'barrier.reset'
  | 'event.set'
  | 'event.clear'
  | 'event.wait'
  | 'event.woken'
  | 'condition.wait'
  | 'condition.woken'
  | 'condition.notify'
  | 'queue.put'
  | 'queue.get'
  | 'queue.got'
  | 'queue.close'
  | 'queue.taskDone'
  | 'queue.join'
  | 'atomic.read'
  | 'atomic.write'
  | 'atomic.rmw'
  | 'user';

/** Called synchronously in the thread doing the operation; must not throw and must not block for long. */
export type YieldHook = (op: YieldOp, primitive: string) => void;

let hook: YieldHook | null = null;

/** Installs (or with `null` removes) this thread's yield hook. Returns the previous one. */
export function setYieldHook(next: YieldHook | null): YieldHook | null {
  const previous = hook;
  hook = next;
  return previous;
}

export function getYieldHook(): YieldHook | null {
  return hook;
}

/** The single seam every primitive passes through. Also callable from user code to mark a point of interest. */
export function yieldPoint(op: YieldOp, primitive: string): void {
  if (hook !== null) hook(op, primitive);
}

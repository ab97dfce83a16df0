import { type Guard, makeGuard } from './guard.js';
import { ShakedownError } from './errors.js';

/** Anything with acquire/release: Lock, RLock, Semaphore. The scoped helpers below are written once for all. */
export interface Acquirable {
  readonly name: string;
  acquire(timeoutMs?: number): boolean;
  acquireAsync(timeoutMs?: number): Promise<boolean>;
  release(): void;
}

export function timedOut(name: string, timeoutMs: number | undefined): ShakedownError {
  return new ShakedownError('ERR_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${name}`);
}

/** Runs `fn` holding `p`, releasing however `fn` ends; throws ERR_TIMEOUT if `p` could not be taken in time. */
export function withAcquired<T>(p: Acquirable, fn: () => T, timeoutMs: number | undefined): T {
  if (!p.acquire(timeoutMs)) throw timedOut(p.name, timeoutMs);
  try {
    return fn();
  } finally {
    p.release();
  }
}

export async function withAcquiredAsync<T>(p: Acquirable, fn: () => T | Promise<T>, timeoutMs: number | undefined): Promise<T> {
  if (!(await p.acquireAsync(timeoutMs))) throw timedOut(p.name, timeoutMs);
  try {
    return await fn();
  } finally {
    p.release();
  }
}

export function guardOf(p: Acquirable, timeoutMs: number | undefined): Guard {
  if (!p.acquire(timeoutMs)) throw timedOut(p.name, timeoutMs);
  return makeGuard(() => p.release());
}

export async function guardOfAsync(p: Acquirable, timeoutMs: number | undefined): Promise<Guard> {
  if (!(await p.acquireAsync(timeoutMs))) throw timedOut(p.name, timeoutMs);
  return makeGuard(() => p.release());
}

import type { Blocking } from './wait.js';

/**
 * What a Condition needs from the lock under it: give the lock up completely
 * (an RLock at any depth) and take it back at the same depth. Symbol-keyed so
 * it stays off the public surface.
 */
export const CONDITION_LOCK: unique symbol = Symbol('shakedown.conditionLock');

export interface ConditionLockOps {
  heldByMe(): boolean;
  /** Releases fully; returns what `reacquire` needs to restore (the RLock depth). */
  releaseAll(): number;
  /** Blocks until the lock is held again at `depth`. */
  reacquire(depth: number): Blocking<void>;
}

export interface ConditionLockable {
  readonly kind: 'lock' | 'rlock';
  readonly name: string;
  handle(): unknown;
  [CONDITION_LOCK](): ConditionLockOps;
}

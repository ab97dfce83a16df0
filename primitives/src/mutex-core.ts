/**
 * The futex mutex shared by Lock, RLock and Condition: Drepper's "mutex2"
 * (state 0 = free, 1 = locked, 2 = locked and maybe waiters), plus an owner
 * word, plus deadlock detection on the slow path only.
 */
import { DeadlockError, ShakedownError } from './errors.js';
import {
  clearWait,
  cycleStillHolds,
  deadlockDetectionEnabled,
  describeEdges,
  findCycleThroughSelf,
  noteHeld,
  noteReleased,
  recordWait,
  threadNameOf,
} from './registry.js';
import { deadlineOf, remainingUntil } from './validate.js';
import { type Blocking, sleepStep } from './wait.js';

/** Word offsets inside a mutex's Int32Array view. */
export const M_STATE = 0;
/** threadId + 1 of the holder, 0 when free. Written only by the holder, after it wins M_STATE. */
export const M_OWNER = 1;
export const MUTEX_WORDS = 2;

const FREE = 0;
const LOCKED = 1;
const CONTENDED = 2;

/** Spins before sleeping: a short critical section is usually over before a futex round trip (~60 us) would be. */
const SPIN_LIMIT = 100;
/** While blocked with detection on, wake this often to re-check the wait-for graph. */
const DETECT_SLICE_MS = 20;
/** Pause between the two checks that confirm a cycle is real and not a stale record. */
const CONFIRM_PAUSE_MS = 2;

export interface MutexRef {
  i32: Int32Array;
  id: number;
  name: string;
}

/*
 * The owner word and the held list are written only by the holder, with plain
 * stores: the state word's CAS (acquire) and Atomics.sub (release) order them
 * against the next holder, and a thread checking whether it holds the lock
 * reads its own latest write, so it never sees a stale "yes". Measured: each
 * Atomics.load/store costs 6-12 ns on Node 20, a plain access 0.5 ns; this
 * halved the uncontended acquire+release. Other threads (deadlock detection,
 * ownerThreadId) read these words with Atomics.load and confirm what they see.
 */
export function tryLockWord(m: MutexRef, me: number): boolean {
  if (Atomics.compareExchange(m.i32, M_STATE, FREE, LOCKED) !== FREE) return false;
  m.i32[M_OWNER] = me;
  noteHeld(m.id);
  return true;
}

/**
 * First half of the slow path: spin a while for the lock. A plain function, so that the usual
 * contended acquire (the holder lets go within the spins) builds no generator: measured, a
 * generator and its driver per contended acquire cost more than the Lock's bookkeeping.
 */
export function lockSpin(m: MutexRef, me: number): boolean {
  const { i32 } = m;
  for (let i = 0; i < SPIN_LIMIT; i++) {
    if (Atomics.load(i32, M_STATE) === FREE && tryLockWord(m, me)) return true;
  }
  return false;
}

/** Slow path of acquire: spin, then sleep on the state word. Returns false on timeout. */
export function* lockSlow(m: MutexRef, me: number, timeoutMs: number): Blocking<boolean> {
  if (lockSpin(m, me)) return true;
  return yield* lockSleep(m, me, timeoutMs);
}

/** Second half of the slow path, after lockSpin failed: sleep on the state word until it is ours. Returns false on timeout. */
export function* lockSleep(m: MutexRef, me: number, timeoutMs: number): Blocking<boolean> {
  const { i32 } = m;
  const deadline = deadlineOf(timeoutMs);
  // Announce a sleeper by setting CONTENDED; if the old value was FREE we took the lock.
  let c = Atomics.exchange(i32, M_STATE, CONTENDED);
  try {
    while (c !== FREE) {
      const remaining = remainingUntil(deadline);
      if (remaining === 0) return false;
      let slice = remaining;
      if (deadlockDetectionEnabled()) {
        const owner = Atomics.load(i32, M_OWNER);
        // Held by this very thread: only an async waiter gets here (another task of this
        // thread holds it and may release it); that is no cycle, so record no wait (and leave
        // any other task's record alone).
        if (owner !== me) {
          recordWait(m.id, m.name, owner);
          yield* breakCycleIfVictim();
        } else {
          clearWait(m.id);
        }
        slice = Math.min(remaining, DETECT_SLICE_MS);
      }
      // Sleep while the lock is still CONTENDED; a release stores FREE and wakes one sleeper.
      yield { i32, index: M_STATE, value: CONTENDED, timeoutMs: slice };
      c = Atomics.exchange(i32, M_STATE, CONTENDED);
    }
  } finally {
    clearWait(m.id);
  }
  i32[M_OWNER] = me;
  noteHeld(m.id);
  return true;
}

function* breakCycleIfVictim(): Blocking<void> {
  const cycle = findCycleThroughSelf();
  if (cycle === null || !cycle.thisThreadIsVictim) return;
  if (!cycleStillHolds(cycle)) return;
  yield sleepStep(CONFIRM_PAUSE_MS);
  if (!cycleStillHolds(cycle)) return;
  throw new DeadlockError(describeEdges(cycle));
}

/** Releases a mutex held by the caller (the caller has checked ownership). */
export function unlockWord(m: MutexRef): void {
  noteReleased(m.id);
  m.i32[M_OWNER] = 0;
  // From LOCKED straight to FREE needs no wake-up; from CONTENDED, free it and wake one sleeper.
  if (Atomics.sub(m.i32, M_STATE, 1) !== LOCKED) {
    Atomics.store(m.i32, M_STATE, FREE);
    Atomics.notify(m.i32, M_STATE, 1);
  }
}

/** The owner as another thread sees it (atomic read). */
export function ownerOf(m: MutexRef): number {
  return Atomics.load(m.i32, M_OWNER);
}

/** The owner, for "do I hold it?" checks only: a plain read, exact for the calling thread's own state. */
export function ownerForSelfCheck(m: MutexRef): number {
  return m.i32[M_OWNER]!;
}

export function selfDeadlock(m: MutexRef, me: number): DeadlockError {
  const name = threadNameOf(me - 1);
  return new DeadlockError(
    [{ thread: name, threadId: me - 1, waitsFor: m.name, heldBy: name, heldById: me - 1 }],
    `deadlock: ${name} tried to acquire ${m.name}, which it already holds (a Lock is not reentrant; use RLock for recursive code)`,
  );
}

/** Release by a thread that does not hold the lock (or of a lock nobody holds). */
export function notOwner(name: string, me: number, owner: number): ShakedownError {
  return new ShakedownError(
    'ERR_LOCK_NOT_OWNER',
    owner === 0
      ? `${threadNameOf(me - 1)} released ${name}, which is not locked`
      : `${threadNameOf(me - 1)} released ${name}, which is held by ${threadNameOf(owner - 1)}`,
  );
}

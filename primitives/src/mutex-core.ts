/**
 * The futex mutex shared by Lock, RLock and Condition: Drepper's "mutex2"
 * (free, locked, locked and maybe sleepers) with the owner's token kept in the
 * same word, plus deadlock detection on the slow path only.
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

/**
 * The one word of a mutex: 0 when free, else `owner token << 1 | waiters bit`. The owner token
 * (threadId + 1, never 0) lives in the state word itself, as a Linux PI futex keeps the holder's
 * TID in its word: taking the lock and naming the owner is one CAS, and giving it back one CAS
 * that also checks the owner (releaseWord). With a separate owner word on the same cache line, the
 * release read it before writing the state: the read fetched the line back from a waiter whose
 * failed CAS had just taken it, a second line transfer per contended release (issue 19, measured).
 * The waiters bit says "a thread may be asleep on this word": the releaser wakes one only then.
 */
export const M_STATE = 0;
export const MUTEX_WORDS = 1;

const FREE = 0;
const WAITERS = 1;
/** What tryLockWord returns when it took the lock (the word was free). */
export const TAKEN = FREE;

/** The state word of a lock held by `me` with no sleeper announced. Int32 stores wrap, so tokens up to 2^31 - 1 survive `>>> 1`. */
const heldBy = (me: number): number => (me << 1) | 0;
/** The owner token in a state word (0 when free). */
const ownerIn = (state: number): number => state >>> 1;

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
 * The held list (registry.ts) is written only by the holder, with plain stores:
 * the state word's CAS (acquire) and CAS or exchange (release) order them against
 * the next holder. A thread checking whether it holds the lock reads the state word
 * plainly: only the holder ever writes its own token there (others only set the
 * waiters bit beside it), and a thread reads its own latest write, so it never
 * sees a stale "yes". Measured: each Atomics.load costs 6-12 ns on Node 20, a
 * plain access 0.5 ns. Other threads (deadlock detection, ownerThreadId) read the
 * word with Atomics.load and confirm what they see.
 */

/**
 * One CAS from free to held by `me`. Returns the state word it found: TAKEN (0) means the lock is now
 * ours; anything else is the word as it was (its owner, for the caller's "do I hold it?" check,
 * without a second read of the line).
 */
export function tryLockWord(m: MutexRef, me: number): number {
  const seen = Atomics.compareExchange(m.i32, M_STATE, FREE, heldBy(me));
  if (seen === FREE) noteHeld(m.id);
  return seen;
}

/** Whether a state word returned by tryLockWord names `me` as its owner. */
export function heldByToken(state: number, me: number): boolean {
  return ownerIn(state) === me;
}

/**
 * First half of the slow path: spin a while for the lock. A plain function, so that the usual
 * contended acquire (the holder lets go within the spins) builds no generator: measured, a
 * generator and its driver per contended acquire cost more than the Lock's bookkeeping.
 */
export function lockSpin(m: MutexRef, me: number): boolean {
  const { i32 } = m;
  for (let i = 0; i < SPIN_LIMIT; i++) {
    // Read-only while held (test-and-test-and-set): the line stays shared until the holder lets go.
    if (Atomics.load(i32, M_STATE) === FREE && tryLockWord(m, me) === TAKEN) return true;
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
  let state = Atomics.load(i32, M_STATE);
  try {
    for (;;) {
      if (state === FREE) {
        // Taken with the waiters bit set: other sleepers may still be queued, and this thread
        // cannot tell, so its release must wake one (as mutex2's "take with 2" does).
        state = Atomics.compareExchange(i32, M_STATE, FREE, heldBy(me) | WAITERS);
        if (state === FREE) break;
        continue;
      }
      if ((state & WAITERS) === 0) {
        // Announce a sleeper before sleeping, so the holder's release wakes one. If the word
        // changed meanwhile (released, or taken by another), look again.
        const seen = Atomics.compareExchange(i32, M_STATE, state, state | WAITERS);
        if (seen !== state) {
          state = seen;
          continue;
        }
        state |= WAITERS;
      }
      const remaining = remainingUntil(deadline);
      if (remaining === 0) return false;
      let slice = remaining;
      if (deadlockDetectionEnabled()) {
        const owner = ownerIn(state);
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
      // Sleep while the word is exactly what we saw (held, sleeper announced); a release stores
      // FREE and wakes one sleeper, and any other change (a new holder) returns at once.
      yield { i32, index: M_STATE, value: state, timeoutMs: slice };
      state = Atomics.load(i32, M_STATE);
    }
  } finally {
    clearWait(m.id);
  }
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

/**
 * Releases the mutex if `me` holds it; false (and nothing changed) if it does not. One CAS both
 * checks the owner and frees the word. Reading the word first, even plainly, would fetch the
 * lock's cache line from a waiter whose failed CAS had taken it, and then fetch it again to write
 * it: a second line transfer per contended release (measured: it was most of what the Lock lost
 * to a raw futex lock at 100 ns think time, issue 19).
 */
export function releaseWord(m: MutexRef, me: number): boolean {
  const mine = heldBy(me);
  // The held list first, as in unlockWord; when this thread does not hold the lock its list has
  // no entry for it, so this changes nothing.
  noteReleased(m.id);
  const seen = Atomics.compareExchange(m.i32, M_STATE, mine, FREE);
  if (seen === mine) return true;
  if (ownerIn(seen) !== me) return false;
  // Ours, with a sleeper announced: no other thread writes the word now (the bit is already set),
  // so a store frees it; then wake one sleeper.
  Atomics.store(m.i32, M_STATE, FREE);
  Atomics.notify(m.i32, M_STATE, 1);
  return true;
}

/** Releases a mutex held by the caller (the caller has checked ownership). */
export function unlockWord(m: MutexRef): void {
  // The held list first, so that no thread sees this lock in it once another holds the lock.
  noteReleased(m.id);
  // One exchange frees the lock and says whether anyone announced sleeping; wake one if so.
  if ((Atomics.exchange(m.i32, M_STATE, FREE) & WAITERS) !== 0) Atomics.notify(m.i32, M_STATE, 1);
}

/** The owner as another thread sees it (atomic read): its token, 0 when free. */
export function ownerOf(m: MutexRef): number {
  return ownerIn(Atomics.load(m.i32, M_STATE));
}

/** The owner, for "do I hold it?" checks only: a plain read, exact for the calling thread's own state. */
export function ownerForSelfCheck(m: MutexRef): number {
  return ownerIn(m.i32[M_STATE]!);
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

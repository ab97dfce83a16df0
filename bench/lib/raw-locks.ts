/**
 * Hand-written baselines that the library's locks are judged against. They do
 * only the atomic work of locking: no owner word, no bookkeeping, no hooks.
 * Word 0 of `i32` is the lock word in each.
 */

/** Uncontended cost floor: one CAS to take, one store to give back. */
export function rawTryLock(i32: Int32Array): boolean {
  return Atomics.compareExchange(i32, 0, 0, 1) === 0;
}

export function rawUnlock(i32: Int32Array): void {
  Atomics.store(i32, 0, 0);
}

/** How often a spinner looks at the stop word: rarely enough not to slow the spin, often enough to end a collapsed run. */
const STOP_CHECK_MASK = 1023;

/**
 * Test-and-test-and-set spinlock. Returns false only when `stop` is raised
 * while spinning, so an oversubscribed run (more spinners than cores, where a
 * preempted holder stalls everyone for a time slice) still ends on time.
 */
export function spinLock(i32: Int32Array, stop: Int32Array, stopIndex: number): boolean {
  let spins = 0;
  while (Atomics.compareExchange(i32, 0, 0, 1) !== 0) {
    while (Atomics.load(i32, 0) !== 0) {
      if ((++spins & STOP_CHECK_MASK) === 0 && Atomics.load(stop, stopIndex) !== 0) return false;
    }
  }
  return true;
}

export function spinUnlock(i32: Int32Array): void {
  Atomics.store(i32, 0, 0);
}

/** Same spin budget as the library's mutex (SPIN_LIMIT in mutex-core.ts), so the comparison isolates its extra work. */
export const FUTEX_SPINS = 100;
/** Sleep slice: a lost wake-up in the baseline would show as a slow run, not a hung one. */
const FUTEX_SLICE_MS = 50;

/**
 * The Lock's own algorithm (primitives' mutex-core.ts) and nothing else: the word holds the
 * owner's token shifted left by one, plus a waiters bit; one CAS takes the lock, one CAS from
 * "held by me" to free gives it back (with a sleeper announced, that CAS fails and a store plus a
 * wake-up follow), a sleeper sets the bit and sleeps on the word it saw. No held list, no
 * detection, no yield points: the ratio of the Lock to this measures exactly those.
 * Throws after `deadline` (performance.now() time) instead of waiting forever.
 */
export function tokenFutexLock(i32: Int32Array, token: number, deadline: number): void {
  const held = token << 1;
  if (Atomics.compareExchange(i32, 0, 0, held) === 0) return;
  for (let i = 0; i < FUTEX_SPINS; i++) {
    if (Atomics.load(i32, 0) === 0 && Atomics.compareExchange(i32, 0, 0, held) === 0) return;
  }
  let state = Atomics.load(i32, 0);
  for (;;) {
    if (state === 0) {
      state = Atomics.compareExchange(i32, 0, 0, held | 1);
      if (state === 0) return;
      continue;
    }
    if ((state & 1) === 0) {
      const seen = Atomics.compareExchange(i32, 0, state, state | 1);
      if (seen !== state) {
        state = seen;
        continue;
      }
      state |= 1;
    }
    Atomics.wait(i32, 0, state, FUTEX_SLICE_MS);
    if (performance.now() > deadline) throw new Error('token futex baseline lock: deadline passed while waiting');
    state = Atomics.load(i32, 0);
  }
}

export function tokenFutexUnlock(i32: Int32Array, token: number): void {
  const held = token << 1;
  if (Atomics.compareExchange(i32, 0, held, 0) === held) return;
  Atomics.store(i32, 0, 0);
  Atomics.notify(i32, 0, 1);
}

/**
 * Drepper's mutex2 (0 free, 1 locked, 2 locked with sleepers), the Lock's algorithm before its
 * owner moved into the state word (kept as a second baseline): spin briefly,
 * then sleep on the word. Throws after `deadline` (performance.now() time)
 * instead of waiting forever.
 */
export function futexLock(i32: Int32Array, deadline: number): void {
  if (Atomics.compareExchange(i32, 0, 0, 1) === 0) return;
  for (let i = 0; i < FUTEX_SPINS; i++) {
    if (Atomics.load(i32, 0) === 0 && Atomics.compareExchange(i32, 0, 0, 1) === 0) return;
  }
  let c = Atomics.exchange(i32, 0, 2);
  while (c !== 0) {
    Atomics.wait(i32, 0, 2, FUTEX_SLICE_MS);
    if (performance.now() > deadline) throw new Error('futex baseline lock: deadline passed while waiting');
    c = Atomics.exchange(i32, 0, 2);
  }
}

export function futexUnlock(i32: Int32Array): void {
  if (Atomics.sub(i32, 0, 1) !== 1) {
    Atomics.store(i32, 0, 0);
    Atomics.notify(i32, 0, 1);
  }
}

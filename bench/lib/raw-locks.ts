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
 * Drepper's mutex2 (0 free, 1 locked, 2 locked with sleepers): spin briefly,
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

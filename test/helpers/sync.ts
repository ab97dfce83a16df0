/**
 * Test-only synchronisation built straight on Atomics, deliberately not on
 * the primitives under test, so that a broken primitive cannot also break the
 * scaffolding that is supposed to catch it.
 */

/** Milliseconds since the epoch with sub-ms precision, comparable across threads (each thread has its own timeOrigin). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * All `parties` threads meet here before any goes on. Waits on the counter
 * word itself, so no arrival can be missed. Throws after `timeoutMs`.
 */
export function rendezvous(i32: Int32Array, index: number, parties: number, timeoutMs: number): void {
  const deadline = performance.now() + timeoutMs;
  let seen = Atomics.add(i32, index, 1) + 1;
  if (seen === parties) {
    Atomics.notify(i32, index);
    return;
  }
  while (seen < parties) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw new Error(`rendezvous: only ${seen} of ${parties} threads arrived within ${timeoutMs} ms`);
    Atomics.wait(i32, index, seen, remaining);
    seen = Atomics.load(i32, index);
  }
}

/** Blocks until `i32[index]` becomes at least `value`; throws after `timeoutMs`. */
export function awaitAtLeast(i32: Int32Array, index: number, value: number, timeoutMs: number): void {
  const deadline = performance.now() + timeoutMs;
  let seen = Atomics.load(i32, index);
  while (seen < value) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw new Error(`waited ${timeoutMs} ms for word ${index} to reach ${value}, it is ${seen}`);
    Atomics.wait(i32, index, seen, remaining);
    seen = Atomics.load(i32, index);
  }
}

/** Publishes `value` and wakes every thread in awaitAtLeast on that word. */
export function signal(i32: Int32Array, index: number, value = 1): void {
  Atomics.store(i32, index, value);
  Atomics.notify(i32, index);
}

/** Busy-waits about `us` microseconds: widens race windows without giving up the CPU the way a futex sleep (>= ~90 us) would. */
export function spinMicros(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end) {
    // spinning on purpose
  }
}

/** Small deterministic PRNG (mulberry32), so a failing interleaving's inputs can be replayed from the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * 4));
}

/**
 * A deliberately broken barrier for the barrier-start canary: it releases the
 * waiting threads when the second-to-last thread arrives, one arrival early.
 * Do not use; it exists to prove the suite catches exactly this bug.
 *
 * Arrivals are counted per generation (each thread tracks its own generation
 * number), so the planted off-by-one is the only bug: no reset race, no hang.
 */
/** Word 0: generations released so far. Words 1..MAX_GENERATIONS: arrivals per generation. */
const RELEASED = 0;
export const MAX_GENERATIONS = 64;

export interface EarlyBarrierHandle {
  buffer: SharedArrayBuffer;
  byteOffset: number;
  parties: number;
}

/** Bytes of one early barrier (zeroed memory is a fresh one). */
export const EARLY_BARRIER_BYTES = 4 * (1 + MAX_GENERATIONS);

/** A barrier at `at` (zeroed, EARLY_BARRIER_BYTES long: from the trial's ctx.alloc), or in a buffer of its own. */
export function createEarlyBarrier(parties: number, at?: { buffer: SharedArrayBuffer; byteOffset: number }): EarlyBarrierHandle {
  return { ...(at ?? { buffer: new SharedArrayBuffer(EARLY_BARRIER_BYTES), byteOffset: 0 }), parties };
}

/** Waits at generation `generation` (the caller counts its own generations from 0). */
export function earlyBarrierWait(h: EarlyBarrierHandle, generation: number, action: () => void, timeoutMs: number): number {
  const i32 = new Int32Array(h.buffer, h.byteOffset, 1 + MAX_GENERATIONS);
  const index = Atomics.add(i32, 1 + (generation % MAX_GENERATIONS), 1);
  // BUG: the release should happen at index parties - 1 (the last arrival).
  if (index === Math.max(0, h.parties - 2)) {
    action();
    Atomics.store(i32, RELEASED, generation + 1);
    Atomics.notify(i32, RELEASED);
  }
  const deadline = performance.now() + timeoutMs;
  let released = Atomics.load(i32, RELEASED);
  while (released <= generation) {
    const left = deadline - performance.now();
    if (left <= 0) throw new Error('early barrier: timed out');
    Atomics.wait(i32, RELEASED, released, left);
    released = Atomics.load(i32, RELEASED);
  }
  return index;
}

/**
 * Coordination between the threads of a trial for the scripted phases (a
 * holder and a prober), built on raw Atomics, never on the implementation
 * under test, so a broken primitive cannot break its own checks. Every wait
 * is bounded: a phase that cannot meet reports false instead of hanging.
 */

/** Waits until i32[index] >= value or `timeoutMs` passes; false on timeout. */
export function awaitAtLeast(i32: Int32Array, index: number, value: number, timeoutMs: number): boolean {
  const deadline = performance.now() + timeoutMs;
  let seen = Atomics.load(i32, index);
  while (seen < value) {
    const left = deadline - performance.now();
    if (left <= 0) return false;
    // Sleep only while the word still holds what we saw: a signal between the load and the wait is not lost.
    Atomics.wait(i32, index, seen, left);
    seen = Atomics.load(i32, index);
  }
  return true;
}

export function signal(i32: Int32Array, index: number): void {
  Atomics.add(i32, index, 1);
  Atomics.notify(i32, index);
}

/** Busy-waits about `us` microseconds, keeping the CPU (a futex sleep is >= ~90 us). */
export function spin(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end) {
    // spinning on purpose: a holder that keeps running while others queue up
  }
}

/** A shared scoreboard: one Int32 per named slot. */
export function board(slots: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * slots));
}

/** Actor outcomes that are errors, as lines for an invariant. */
export function errorsOf(results: Array<{ ok: boolean; error?: { name: string; message: string } }>): string[] {
  return results.flatMap((r, t) => (r.ok ? [] : [`t${t}: ${r.error!.name}: ${r.error!.message}`]));
}

/**
 * How long a suite's own coordination (handshakes, retry deadlines, timed waits that must succeed)
 * may take before it counts as a failure: four trial timeouts. A shorter bound turned scheduling
 * stalls on a loaded 2-core machine into false alarms on correct implementations (measured: 125 ms
 * handshakes missed at 8 threads, load average 8); a real lost wake-up still shows, as a hang the
 * watchdog reports after one timeout, or as a counted failure after this bound.
 */
export function patienceMs(ctx: { timeoutMs: number }): number {
  return ctx.timeoutMs * 4;
}

/**
 * Think time: work a thread does between two lock operations, outside the critical section. Real
 * programs do something with what they protected; with no think time at all a contended lock
 * measures only who re-takes it first (the barging regime), which swings between sittings.
 *
 * A busy loop of integer steps, sized in steps per nanosecond measured once on the main thread
 * and then used by every variant of a row alike, so that all of them think the same amount.
 */

/** Runs `steps` dependent integer steps; returns the result so that the loop cannot be dropped. */
export function think(steps: number, seed: number): number {
  let x = seed | 0;
  for (let i = 0; i < steps; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  return x;
}

/** Steps per nanosecond of think() on this machine: the fastest of a few timed runs (the least disturbed). */
export function thinkStepsPerNs(): number {
  const steps = 2_000_000;
  let best = Infinity;
  let sink = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    sink ^= think(steps, i);
    best = Math.min(best, performance.now() - t0);
  }
  // Keeps sink alive without printing it.
  if (sink === 0.5) console.log(sink);
  return steps / (best * 1e6);
}

/** 95% Wilson score interval for a failure rate of `failures` in `trials`. */
export function wilson(failures: number, trials: number, z = 1.96): [number, number] {
  if (trials === 0) return [0, 1];
  const p = failures / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const center = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  // At the ends the bound is exact (0 or 1); floating-point rounding would print 2.7e-18%.
  const lo = failures === 0 ? 0 : Math.max(0, center - half);
  const hi = failures === trials ? 1 : Math.min(1, center + half);
  return [lo, hi];
}

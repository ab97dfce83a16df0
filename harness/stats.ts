/** 95% Wilson score interval for a failure rate of `failures` in `trials`. */
export function wilson(failures: number, trials: number, z = 1.96): [number, number] {
  if (trials === 0) return [0, 1];
  const p = failures / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const center = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

export function formatRate(failures: number, trials: number): string {
  if (trials === 0) return 'n/a';
  const [lo, hi] = wilson(failures, trials);
  const pct = (x: number): string => `${(x * 100).toPrecision(x === 0 ? 1 : 3)}%`;
  return `${pct(failures / trials)} [${pct(lo)}, ${pct(hi)}]`;
}

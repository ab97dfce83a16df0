/** Median of the finite samples; NaN when a failed repetition left none. */
export function median(samples: readonly number[]): number {
  const xs = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** Mean of the finite samples; NaN when a failed repetition left none. */
export function mean(samples: readonly number[]): number {
  const xs = samples.filter((x) => Number.isFinite(x));
  if (xs.length === 0) return NaN;
  return xs.reduce((sum, x) => sum + x, 0) / xs.length;
}

/**
 * Geometric mean of figure[i] / baseline[i] over the repetitions where both are finite: each
 * repetition's pair ran back to back, so a change of the machine between repetitions (this VM
 * moves between two cache-line transfer regimes within a sitting) cancels out of every ratio
 * instead of weighting the figures of the faster stretch more.
 */
export function pairedRatio(figure: readonly number[], baseline: readonly number[]): number {
  let logSum = 0;
  let pairs = 0;
  for (let i = 0; i < Math.min(figure.length, baseline.length); i++) {
    const r = figure[i]! / baseline[i]!;
    if (!Number.isFinite(r) || r <= 0) continue;
    logSum += Math.log(r);
    pairs++;
  }
  return pairs === 0 ? NaN : Math.exp(logSum / pairs);
}

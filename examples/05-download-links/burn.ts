/** CPU-bound work: a hash loop that keeps one core busy for a while. */
export function burn(rounds: number): number {
  let h = 2166136261;
  for (let i = 0; i < rounds; i++) h = Math.imul(h ^ i, 16777619);
  return h >>> 0;
}

/** "Did you mean": the known name closest to a misspelt one (flags, commands, config keys, params). */

/** Edit distance (names are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The closest known name within two edits (case aside), if any. */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const s = closestName(name, known);
  return s === undefined ? '' : ` (did you mean ${JSON.stringify(s)}?)`;
}

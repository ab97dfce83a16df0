/** Counts in words for reports: the number with thousands separators and a noun that agrees with it. */

/** "1 configuration", "2 configurations", "12,345 failures". */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}

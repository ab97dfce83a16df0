import type { Row } from './row.js';

function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (Math.abs(x) >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (Math.abs(x) >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  if (Math.abs(x) >= 100) return x.toFixed(0);
  return x.toFixed(1);
}

/** Plain text so that it pastes into BENCHMARKS.md and CI logs unchanged. */
export function formatTable(rows: readonly Row[]): string {
  // The last column only when some row was compared with an earlier sitting (sittings.ts).
  const compared = rows.some((r) => r.lastSitting !== undefined);
  const header = ['section', 'name', 'figure', 'baseline', 'ratio', 'goal', 'met?', ...(compared ? ['last sitting'] : [])];
  const body = rows.map((r) => [
    r.section,
    r.name,
    `${fmt(r.figure)} ${r.unit}`,
    `${fmt(r.baseline)} ${r.unit} (${r.baselineName})`,
    Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : 'n/a',
    r.goal === null ? '-' : `>= ${r.goal}`,
    r.met === null ? '-' : r.met ? 'yes' : 'NO',
    ...(compared ? [r.lastSitting === undefined ? '-' : `${r.lastSitting.ratio.toFixed(2)} ${r.lastSitting.stable ? 'stable' : 'MOVED'}`] : []),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((line) => line[c]!.length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(header), rule, ...body.map(line)].join('\n');
}

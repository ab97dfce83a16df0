/**
 * Whether a row held between two sittings: a benchmark run now against the one before it on this
 * machine (the JSON it left). A ratio that moves by more than STABLE_WITHIN between two runs in a
 * row says more about the machine's mood, or the regime a lock fell into, than about the code.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Row } from './row.js';

/** Largest relative change of a ratio between sittings still called stable. */
export const STABLE_WITHIN = 0.15;

export interface LastSitting {
  date: string;
  rows: Row[];
}

/** The previous sitting's rows from `path`, or undefined when there is none (or it is unreadable: a first run). */
export function readLastSitting(path: string): LastSitting | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { date?: unknown; rows?: unknown };
    if (!Array.isArray(doc.rows)) return undefined;
    return { date: typeof doc.date === 'string' ? doc.date : 'unknown date', rows: doc.rows as Row[] };
  } catch {
    return undefined;
  }
}

const keyOf = (r: Row): string => `${r.section}\u0000${r.name}\u0000${r.baselineName}`;

/** Sets each row's `lastSitting` from the same row of `last` (same section, name and baseline), when it has one. */
export function compareWithLastSitting(rows: Row[], last: LastSitting | undefined): void {
  if (last === undefined) return;
  const before = new Map(last.rows.map((r) => [keyOf(r), r]));
  for (const row of rows) {
    const then = before.get(keyOf(row));
    if (then === undefined || typeof then.ratio !== 'number') continue;
    const stable = Number.isFinite(row.ratio) && Number.isFinite(then.ratio) && Math.abs(row.ratio / then.ratio - 1) <= STABLE_WITHIN;
    row.lastSitting = { ratio: then.ratio, stable };
  }
}

/**
 * A failing trial's trace as an SVG timeline: one lane per thread, time
 * running left to right (microseconds since the first event), one mark per
 * primitive operation with its name; hover a mark for op, primitive and time.
 * Where events cluster, labels take the first of four rows (two above the
 * lane, two below) where they overlap no other label; a label that fits in
 * none is left out (its mark keeps the hover text) rather than drawn over
 * another.
 */
import type { TraceEvent } from '../../harness/core/execute/trace.js';
import { esc } from './escape.js';

const WIDTH = 960;
const LEFT = 120;
const RIGHT = 20;
const LANE = 72;
const TOP = 24;
/** Label rows around a lane: offsets from the lane's line, nearest first. */
const ROWS = [-8, 16, -20, 28];
/** Width of a label's character at the timeline's font size (11 px sans-serif), generously. */
const CHAR_PX = 6.6;
const LABEL_GAP = 4;

export function timelineSvg(trace: TraceEvent[]): string {
  if (trace.length === 0) return '<p class="muted">no trace events recorded for this trial</p>';
  const t0 = trace[0]!.time;
  const span = Math.max(1e-6, trace[trace.length - 1]!.time - t0);
  const lanes = [...new Map(trace.map((e) => [e.thread, e.threadName])).entries()].sort((a, b) => a[0] - b[0]);
  const laneOf = new Map(lanes.map(([t], i) => [t, i]));
  const height = TOP + lanes.length * LANE + 24;
  const x = (time: number): number => LEFT + ((time - t0) / span) * (WIDTH - LEFT - RIGHT);
  const parts: string[] = [];
  lanes.forEach(([, name], i) => {
    const y = TOP + i * LANE + LANE / 2;
    parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y}" y2="${y}" class="lane"/>`);
    parts.push(`<text x="${LEFT - 8}" y="${y + 4}" text-anchor="end" class="lane-name">${esc(name)}</text>`);
  });
  // Per lane and row: the right end of the last label placed there.
  const rowEnds = new Map<number, number[]>();
  for (const e of trace) {
    const lane = laneOf.get(e.thread) ?? 0;
    const ends = rowEnds.get(lane) ?? ROWS.map(() => -Infinity);
    rowEnds.set(lane, ends);
    const y = TOP + lane * LANE + LANE / 2;
    const px = x(e.time);
    const cx = px.toFixed(1);
    const text = e.op === 'user' ? e.primitive : e.op;
    const { left, right, anchor } = labelBox(px, text.length * CHAR_PX);
    const row = ends.findIndex((end) => left >= end + LABEL_GAP);
    const us = ((e.time - t0) * 1000).toFixed(1);
    const cls = /acquire|wait|take|get|put/.test(e.op) ? 'ev block' : e.op === 'user' ? 'ev user' : 'ev';
    let label = '';
    if (row >= 0) {
      ends[row] = right;
      label = `<text x="${cx}" y="${y + ROWS[row]!}" text-anchor="${anchor}">${esc(text)}</text>`;
    }
    parts.push(`<g class="${cls}"><title>${esc(`${e.threadName} +${us} us: ${e.op} ${e.primitive}`)}</title><circle cx="${cx}" cy="${y}" r="4"/>${label}</g>`);
  }
  // The end ticks are anchored inward, so "+12.5 us" at the right edge is not cut off.
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const tx = LEFT + f * (WIDTH - LEFT - RIGHT);
    const anchor = f === 0 ? 'start' : f === 1 ? 'end' : 'middle';
    return `<text x="${tx.toFixed(1)}" y="${height - 6}" text-anchor="${anchor}" class="tick">+${(f * span * 1000).toFixed(1)} us</text>`;
  });
  return `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="trace timeline">${parts.join('')}${ticks.join('')}</svg>`;
}

/** Where a label of `width` px at mark `px` goes: centred, or anchored inward near either end so it stays in the drawing. */
export function labelBox(px: number, width: number): { left: number; right: number; anchor: 'start' | 'middle' | 'end' } {
  if (px + width / 2 > WIDTH - RIGHT) return { left: px - width, right: px, anchor: 'end' };
  if (px - width / 2 < LEFT) return { left: px, right: px + width, anchor: 'start' };
  return { left: px - width / 2, right: px + width / 2, anchor: 'middle' };
}

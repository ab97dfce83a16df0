/**
 * A failing trial's trace as an SVG timeline: one lane per thread, time
 * running left to right (microseconds since the first event), one mark per
 * primitive operation with its name; hover a mark for op, primitive and time.
 */
import type { TraceEvent } from '../../harness/core/execute/trace.js';
import { esc } from './escape.js';

const WIDTH = 960;
const LEFT = 120;
const RIGHT = 20;
const LANE = 44;
const TOP = 24;

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
  // Alternate labels above and below the lane so that close events stay readable.
  const seen = new Map<number, number>();
  for (const e of trace) {
    const lane = laneOf.get(e.thread) ?? 0;
    const n = seen.get(lane) ?? 0;
    seen.set(lane, n + 1);
    const y = TOP + lane * LANE + LANE / 2;
    const px = x(e.time);
    const cx = px.toFixed(1);
    // Keep labels inside the drawing at both ends.
    const anchor = px > WIDTH - RIGHT - 60 ? 'end' : px < LEFT + 60 ? 'start' : 'middle';
    const us = ((e.time - t0) * 1000).toFixed(1);
    const cls = /acquire|wait|take|get|put/.test(e.op) ? 'ev block' : e.op === 'user' ? 'ev user' : 'ev';
    parts.push(
      `<g class="${cls}"><title>${esc(`${e.threadName} +${us} us: ${e.op} ${e.primitive}`)}</title>` +
        `<circle cx="${cx}" cy="${y}" r="4"/>` +
        `<text x="${cx}" y="${n % 2 === 0 ? y - 8 : y + 16}" text-anchor="${anchor}">${esc(e.op === 'user' ? e.primitive : e.op)}</text></g>`,
    );
  }
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const tx = LEFT + f * (WIDTH - LEFT - RIGHT);
    return `<text x="${tx.toFixed(1)}" y="${height - 6}" text-anchor="middle" class="tick">+${(f * span * 1000).toFixed(1)} us</text>`;
  });
  return `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="trace timeline">${parts.join('')}${ticks.join('')}</svg>`;
}

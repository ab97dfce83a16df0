/**
 * A controlled failure's interleaving as a timeline: step numbers are the time axis (there is no
 * wall time under control: one thread runs at a time and time is virtual), running downwards, one
 * lane (column) per thread. Each step is a cell in its thread's lane with the call, the operation,
 * the word and the value; a preempting step is marked; elided steps are one row. The entries are
 * the console's (interleaving-text.ts), so both show the same steps. Plain HTML and the report's
 * inline style: no script, no asset.
 */
import type { InterleavingStep } from '../../harness/core/schedule/types.js';
import { visible } from '../../harness/core/shared/control-chars.js';
import { type Elided, type ShownSchedule, elidedText, interleavingEntries, interleavingHeader, isElided, preemptedThread, threadName } from '../interleaving-text.js';
import { esc } from './escape.js';

/** Suite text in a cell: control characters shown as \xNN first (esc would drop them silently), then escaped. */
const shown = (s: string | undefined): string => esc(visible(s ?? ''));

export function interleavingTable(schedule: ShownSchedule): string {
  const entries = interleavingEntries(schedule);
  const threads = entries.flatMap((e) => (isElided(e) ? e.threads : [e.thread]));
  const lanes = threads.length === 0 ? 1 : Math.max(...threads) + 1;
  const head = `<tr><th class="step">step</th>${Array.from({ length: lanes }, (_, t) => `<th>${threadName(t)}</th>`).join('')}</tr>`;
  const rows = entries.map((e, i) => (isElided(e) ? elidedRow(e, lanes) : stepRow(e, lanes, preemptedThread(entries, i))));
  return (
    `<div class="interleaving"><table class="interleaving"><caption>${esc(interleavingHeader(schedule, entries))}</caption>` +
    `<thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`
  );
}

function stepRow(s: InterleavingStep, lanes: number, from: number | undefined): string {
  const preempt = s.preempted === true;
  const mark = preempt ? ` <span class="preempt">preempts${from !== undefined && from !== s.thread ? ` ${threadName(from)}` : ''}</span>` : '';
  const cell =
    `<td class="run${preempt ? ' preempted' : ''}">` +
    (s.label ? `<span class="label">${shown(s.label)}</span> ` : '') +
    `<span class="op">${shown(s.op)}</span>` +
    (s.word ? ` <span class="word">${shown(s.word)}</span>` : '') +
    (s.value ? ` <span class="value">${shown(s.value)}</span>` : '') +
    `${mark}</td>`;
  const cells = Array.from({ length: lanes }, (_, t) => (t === s.thread ? cell : '<td></td>'));
  return `<tr${preempt ? ' class="preempted"' : ''}><td class="step">${esc(s.step)}</td>${cells.join('')}</tr>`;
}

function elidedRow(e: Elided, lanes: number): string {
  const steps = e.from === e.to ? String(e.from) : `${e.from}–${e.to}`;
  const text = `<td class="elided"${lanes > 1 ? ` colspan="${lanes}"` : ''}>${esc(elidedText(e))}</td>`;
  return `<tr class="elided"><td class="step">${esc(steps)}</td>${text}</tr>`;
}

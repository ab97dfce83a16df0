/**
 * Where each thread of a hung trial was last seen, read from the trial's trace (its last yield
 * point: a primitive operation, or a call a conformance suite or the user marks with yieldPoint):
 * the call it is in and for how long, or the call it returned from. The wait-for table names only
 * waits inside @shakedown/primitives; for anything else (a user's own lock under --impl, a busy
 * loop) this is what points at the stuck call.
 */
import type { TraceEvent } from '../execute/trace.js';

/** The suffix the conformance suites' op() gives the yield point after a call returns (suites/conformance/lib/impl.ts). */
const RETURNED = ' done';

/**
 * `t0 in acquire() for 1,002 ms; t1 returned from release() 1,010 ms ago; t2 reached no yield point`.
 * A thread whose last yield point lies inside a call still open (a point the implementation marks
 * itself, or a primitive operation) is shown in the outermost open call, since that call began, and
 * where it was last: `t0 in acquire() for 1,076 ms, last at lock.acquire: woken 1,075 ms ago`.
 */
export function lastSeenText(trace: readonly TraceEvent[], threads: number, nowMs: number): string {
  const byThread = new Map<number, TraceEvent[]>();
  for (const e of trace) {
    const list = byThread.get(e.thread);
    if (list === undefined) byThread.set(e.thread, [e]);
    else list.push(e);
  }
  const ago = (e: TraceEvent): string => `${Math.max(0, Math.round(nowMs - e.time)).toLocaleString('en-US')} ms`;
  const parts: string[] = [];
  for (let t = 0; t < threads; t++) {
    const events = (byThread.get(t) ?? []).slice().sort((a, b) => a.time - b.time);
    const e = events[events.length - 1];
    if (e === undefined) {
      parts.push(`t${t} reached no yield point`);
      continue;
    }
    const call = nameOf(e);
    if (call.endsWith(RETURNED)) {
      parts.push(`${e.threadName} returned from ${call.slice(0, -RETURNED.length)} ${ago(e)} ago`);
      continue;
    }
    const outer = outermostOpenCall(events);
    if (outer === undefined || outer === e) parts.push(`${e.threadName} in ${call} for ${ago(e)}`);
    else parts.push(`${e.threadName} in ${nameOf(outer)} for ${ago(outer)}, last at ${call} ${ago(e)} ago`);
  }
  return parts.join('; ');
}

function nameOf(e: TraceEvent): string {
  return e.op === 'user' ? e.primitive : `${e.primitive} ${e.op}`;
}

/**
 * The first marked call (a user yield point without its `done`) that no later `done` closed, in a
 * thread's events in time order; undefined if none. Primitive operations open nothing.
 */
function outermostOpenCall(events: readonly TraceEvent[]): TraceEvent | undefined {
  const open: TraceEvent[] = [];
  for (const e of events) {
    if (e.op !== 'user') continue;
    if (!e.primitive.endsWith(RETURNED)) {
      open.push(e);
      continue;
    }
    const name = e.primitive.slice(0, -RETURNED.length);
    const at = open.map((o) => o.primitive).lastIndexOf(name);
    // Closes it and whatever opened inside it (points that have no `done` of their own).
    if (at >= 0) open.length = at;
  }
  return open[0];
}

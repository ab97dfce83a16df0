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

/** `t0 in acquire() for 1,002 ms; t1 returned from release() 1,010 ms ago; t2 reached no yield point`. */
export function lastSeenText(trace: readonly TraceEvent[], threads: number, nowMs: number): string {
  const last = new Map<number, TraceEvent>();
  for (const e of trace) {
    const seen = last.get(e.thread);
    if (seen === undefined || e.time >= seen.time) last.set(e.thread, e);
  }
  const parts: string[] = [];
  for (let t = 0; t < threads; t++) {
    const e = last.get(t);
    if (e === undefined) {
      parts.push(`t${t} reached no yield point`);
      continue;
    }
    const ago = `${Math.max(0, Math.round(nowMs - e.time)).toLocaleString('en-US')} ms`;
    const call = e.op === 'user' ? e.primitive : `${e.primitive} ${e.op}`;
    parts.push(call.endsWith(RETURNED) ? `${e.threadName} returned from ${call.slice(0, -RETURNED.length)} ${ago} ago` : `${e.threadName} in ${call} for ${ago}`);
  }
  return parts.join('; ');
}

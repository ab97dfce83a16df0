/** A trial's trace as text lines: time since the first event, thread, operation, primitive. */
import type { TraceEvent } from '../harness/trace.js';

export function traceLines(trace: TraceEvent[], indent = '      '): string[] {
  const t0 = trace[0]?.time ?? 0;
  return trace.map((e) => `${indent}+${((e.time - t0) * 1000).toFixed(1).padStart(8)} us  ${e.threadName.padEnd(12)} ${e.op.padEnd(18)} ${e.primitive}`);
}

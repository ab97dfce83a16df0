/** A trial's trace as text lines: time since the first event, thread, operation, primitive (names made visible: they are user text). */
import type { TraceEvent } from '../harness/core/execute/trace.js';
import { visible } from '../harness/core/shared/control-chars.js';

export function traceLines(trace: TraceEvent[], indent = '      '): string[] {
  const t0 = trace[0]?.time ?? 0;
  return trace.map((e) => `${indent}+${((e.time - t0) * 1000).toFixed(1).padStart(8)} us  ${visible(e.threadName).padEnd(12)} ${visible(e.op).padEnd(18)} ${visible(e.primitive)}`);
}

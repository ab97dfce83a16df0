/**
 * The console reporter: one line per configuration, the trace of a failing
 * correct configuration, a status line, and the final summary. On a terminal
 * the status is one line redrawn in place; in CI logs, a plain line every few
 * seconds (like cmd/stress).
 */
import type { RunEvent } from '../harness/core/events.js';
import { isBad } from '../harness/core/grade/status-rule.js';
import { formatEvent, formatSummary } from './console.js';
import type { RunSummary } from '../harness/core/grade/results.js';
import { colourMarks, colourWanted } from './colour.js';
import { RunEta, shortDuration } from './eta.js';
import { firstFailureTrace } from './failure-text.js';
import type { Reporter, ReporterContext } from './reporter.js';

/** Status line cadence when not on a TTY (CI logs). */
const STATUS_EVERY_MS = 5000;

export function consoleReporter(_target: string | undefined, ctx: ReporterContext): Reporter {
  const out = ctx.out;
  const colour = colourWanted(ctx.env, out.isTTY);
  // Made at run-start: without it (a reporter fed events by hand) the status line says no ETA.
  let eta: RunEta | undefined;
  // The run's start on this process's clock (progress events say how long ago; config-end events do not).
  let t0 = performance.now();
  let lastStatus = 0;
  let liveLine = false;
  const clearLive = (): void => {
    if (liveLine) out.write('\r\x1b[K');
    liveLine = false;
  };
  return {
    onEvent(event: RunEvent): void {
      if (event.type === 'run-start') {
        eta = new RunEta(event.settings, event.configs);
        t0 = performance.now();
      }
      if (event.type === 'config-end') eta?.ended(event.result, performance.now() - t0);
      if (event.type === 'progress') {
        const now = performance.now();
        t0 = now - event.elapsedMs;
        if (!out.isTTY && now - lastStatus < STATUS_EVERY_MS) return;
        lastStatus = now;
        const status = formatEvent(event);
        if (status === null) return;
        const left = eta?.toGo(event.elapsedMs);
        const text = eta === undefined ? status : `${status}, ${left === undefined ? 'ETA unknown' : `${left.atLeast ? 'more than' : 'about'} ${shortDuration(left.ms)} to go`}`;
        if (out.isTTY) {
          clearLive();
          // A terminal that reports 0 columns (a pty under `script`, some CI runners) has no usable width: assume 80.
          out.write(text.slice(0, (out.columns || 80) - 1));
          liveLine = true;
        } else {
          out.write(`${text}\n`);
        }
        return;
      }
      // The summary is written by finish(), which the CLI calls after every other reporter's: it
      // can then say exit code 3 when a report could not be written (finishAll in cli/reporters.ts).
      if (event.type === 'run-end') return;
      const text = formatEvent(event);
      clearLive();
      if (text !== null) out.write(`${colourMarks(text, colour)}\n`);
      if (event.type === 'config-end' && isBad(event.result.status) && !event.result.config.canary) {
        const trace = firstFailureTrace(event.result);
        if (trace.length > 0) out.write(`    trace of the first failing trial:\n${trace.join('\n')}\n`);
      }
    },
    finish(summary: RunSummary): void {
      clearLive();
      out.write(`${colourMarks(formatSummary(summary), colour)}\n`);
    },
  };
}

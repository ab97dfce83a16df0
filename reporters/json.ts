/** The run summary as one JSON document, written atomically (`--json FILE` or `--reporter json:FILE`). */
import type { RunSummary } from '../harness/core/grade/results.js';
import type { RunEvent } from '../harness/core/events.js';
import type { Reporter, ReporterContext } from './reporter.js';

export function jsonReporter(target: string | undefined, ctx: ReporterContext): Reporter {
  return {
    // A soak's checkpoint: the totals so far, so a killed night run keeps them.
    onEvent(e: RunEvent): void {
      if (e.type === 'checkpoint') ctx.writeFile(target!, `${JSON.stringify(e.summary, null, 2)}\n`);
    },
    finish(summary: RunSummary): void {
      ctx.writeFile(target!, `${JSON.stringify(summary, null, 2)}\n`);
    },
  };
}

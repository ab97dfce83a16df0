/** The run summary as one JSON document, written atomically (`--json FILE` or `--reporter json:FILE`). */
import type { RunSummary } from '../harness/results.js';
import type { Reporter, ReporterContext } from './reporter.js';

export function jsonReporter(target: string | undefined, ctx: ReporterContext): Reporter {
  return {
    finish(summary: RunSummary): void {
      ctx.writeFile(target!, `${JSON.stringify(summary, null, 2)}\n`);
    },
  };
}

/** `--reporter markdown[:FILE]`: the Markdown summary, to FILE (atomically) or to the terminal. */
import type { RunSummary } from '../harness/core/grade/results.js';
import { markdownSummary } from './markdown.js';
import type { Reporter, ReporterContext } from './reporter.js';

export function markdownReporter(target: string | undefined, ctx: ReporterContext): Reporter {
  return {
    finish(summary: RunSummary): void {
      const md = markdownSummary(summary);
      if (target === undefined || target === '') ctx.out.write(md);
      else ctx.writeFile(target, md);
    },
  };
}

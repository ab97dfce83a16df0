/**
 * GitHub Actions job summary: when $GITHUB_STEP_SUMMARY is set, the Markdown
 * summary is appended to that file (GitHub's contract: append, never
 * overwrite, since other steps write there too). The CLI adds this reporter
 * by itself when the variable is set.
 */
import type { RunSummary } from '../harness/core/grade/results.js';
import { markdownSummary } from './markdown.js';
import type { Reporter, ReporterContext } from './reporter.js';

export function githubSummaryReporter(_target: string | undefined, ctx: ReporterContext): Reporter {
  return {
    finish(summary: RunSummary): void {
      const path = ctx.env.GITHUB_STEP_SUMMARY;
      if (path) ctx.appendFile(path, `${markdownSummary(summary)}\n`);
    },
  };
}

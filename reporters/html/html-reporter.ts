/** `--reporter html:FILE`: one self-contained HTML report, written atomically when the run ends. */
import type { RunEvent } from '../../harness/core/events.js';
import type { RunSettings } from '../../harness/core/settings/run-options.js';
import type { RunSummary } from '../../harness/core/grade/results.js';
import type { Reporter, ReporterContext } from '../reporter.js';
import { renderHtml } from './render.js';

export function htmlReporter(target: string | undefined, ctx: ReporterContext): Reporter {
  let settings: RunSettings | undefined;
  return {
    onEvent(e: RunEvent): void {
      if (e.type === 'run-start') settings = e.settings;
      // A soak's checkpoint: the totals so far (the summary's soak.complete is false), so a killed night run keeps a report.
      if (e.type === 'checkpoint') ctx.writeFile(target!, renderHtml(e.summary, { settings, hostname: ctx.hostname, toolVersion: ctx.toolVersion }));
    },
    finish(summary: RunSummary): void {
      ctx.writeFile(target!, renderHtml(summary, { settings, hostname: ctx.hostname, toolVersion: ctx.toolVersion }));
    },
  };
}

/**
 * `--reporter junit:FILE`: JUnit XML for CI dashboards, written atomically
 * when the run ends. `--junit-flaky failure|surefire|repeat` picks how a
 * flaky invariant is encoded (see docs/reporters.md for which consumer reads what).
 */
import type { RunEvent } from '../../harness/core/events.js';
import type { RunSettings } from '../../harness/core/settings/run-options.js';
import type { RunSummary } from '../../harness/core/grade/results.js';
import type { Reporter, ReporterContext } from '../reporter.js';
import { isoWithOffset } from '../timestamp.js';
import { type FlakyEncoding, junitModel } from './junit-model.js';
import { renderJunit } from './junit-xml.js';

export function junitReporter(target: string | undefined, ctx: ReporterContext): Reporter {
  const flaky = (ctx.options['junit.flaky'] ?? 'failure') as FlakyEncoding;
  let settings: RunSettings | undefined;
  const write = (summary: RunSummary, state: string): void => {
    const xml = renderJunit(junitModel(summary, settings, flaky), {
      // The schemas have no place for "interrupted": the run's name says it, so a partial report is never read as whole.
      name: `shakedown seed ${summary.seed}${state}`,
      hostname: ctx.hostname,
      timestamp: isoWithOffset(new Date(summary.startedAt)),
      wallTimeSec: summary.durationMs / 1000,
    });
    ctx.writeFile(target!, xml);
  };
  return {
    onEvent(e: RunEvent): void {
      if (e.type === 'run-start') settings = e.settings;
      // A soak's checkpoint: the totals so far, so a killed night run keeps a report.
      if (e.type === 'checkpoint') write(e.summary, ` (soak in progress, ${e.summary.soak?.passes ?? 0} passes)`);
    },
    finish(summary: RunSummary): void {
      write(summary, summary.interrupted ? ' (interrupted)' : '');
    },
  };
}

/**
 * JSON lines: a header that identifies the run, then one line per finished
 * configuration, appended and flushed to disk as it completes, so a run that
 * is killed keeps everything it finished; an end line when the run ends.
 * `stress report` and `stress merge` read these files (harness/results-file.ts).
 */
import type { RunEvent } from '../harness/run.js';
import type { RunSummary } from '../harness/results.js';
import { HarnessError } from '../harness/errors.js';
import type { AppendFile, Reporter, ReporterContext } from './reporter.js';
import { type ConfigRecord, type EndRecord, type HeaderRecord, RESULTS_FORMAT } from '../harness/results-file.js';

export function jsonlReporter(target: string | undefined, ctx: ReporterContext): Reporter {
  if (target === undefined || target === '') throw new HarnessError('ERR_USAGE', '--reporter jsonl needs a file: --reporter jsonl:out/results.jsonl');
  const path = target;
  let file: AppendFile | undefined;
  let planIndex = new Map<string, number>();
  const line = (record: HeaderRecord | ConfigRecord | EndRecord): void => file?.append(`${JSON.stringify(record)}\n`);
  return {
    onEvent(e: RunEvent): void {
      if (e.type === 'run-start') {
        file = ctx.openAppend(path);
        planIndex = new Map(e.plan.map((k, i) => [k, i]));
        line({ kind: 'shakedown-run', format: RESULTS_FORMAT, tool: ctx.toolVersion, seed: e.seed, startedAt: e.startedAt, plan: e.plan, settings: e.settings });
      } else if (e.type === 'config-end') {
        line({ kind: 'config', planIndex: planIndex.get(e.result.config.key) ?? -1, result: e.result });
      }
    },
    finish(s: RunSummary): void {
      line({ kind: 'end', durationMs: s.durationMs, interrupted: s.interrupted, exitCode: s.exitCode });
      file?.close();
      file = undefined;
    },
  };
}

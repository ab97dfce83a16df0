/**
 * JSON lines: a header that identifies the run, then one line per finished
 * configuration, appended and flushed to disk as it completes, so a run that
 * is killed keeps everything it finished; an end line when the run ends.
 * A soak run reports its configurations only when it ends, so at each of its
 * checkpoints the file is instead rewritten atomically with the totals so far
 * (and written whole, atomically, at the end), its header marked `soak`.
 * The header also records the machine's hostname, so merged shards keep it.
 * `stress report` and `stress merge` read these files (harness/core/record/results-file.ts).
 */
import type { RunEvent } from '../harness/core/events.js';
import type { RunSummary } from '../harness/core/grade/results.js';
import { HarnessError } from '../harness/core/shared/errors.js';
import type { AppendFile, Reporter, ReporterContext } from './reporter.js';
import { type ConfigRecord, type EndRecord, type HeaderRecord, RESULTS_FORMAT } from '../harness/core/record/results-file.js';

export function jsonlReporter(target: string | undefined, ctx: ReporterContext): Reporter {
  if (target === undefined || target === '') throw new HarnessError('ERR_USAGE', '--reporter jsonl needs a file: --reporter jsonl:out/results.jsonl');
  const path = target;
  let file: AppendFile | undefined;
  let planIndex = new Map<string, number>();
  let header: HeaderRecord | undefined;
  /** Set once a soak checkpoint has rewritten the file: from then on lines are kept and the file is rewritten whole. */
  let kept: string[] | undefined;
  const text = (record: HeaderRecord | ConfigRecord | EndRecord): string => `${JSON.stringify(record)}\n`;
  const line = (record: ConfigRecord | EndRecord): void => {
    if (kept !== undefined) kept.push(text(record));
    else file?.append(text(record));
  };
  const configRecord = (result: ConfigRecord['result']): ConfigRecord => ({ kind: 'config', planIndex: planIndex.get(result.config.key) ?? -1, result });
  /** A soak's file, written whole: the header says soak, so `stress merge` never mixes it with a plain run. */
  const rewriteAsSoak = (lines: string[]): void => {
    if (header === undefined) return;
    header.soak = true;
    ctx.writeFile(path, text(header) + lines.join(''));
  };
  return {
    onEvent(e: RunEvent): void {
      if (e.type === 'run-start') {
        file = ctx.openAppend(path);
        planIndex = new Map(e.plan.map((k, i) => [k, i]));
        header = { kind: 'shakedown-run', format: RESULTS_FORMAT, tool: ctx.toolVersion, seed: e.seed, startedAt: e.startedAt, plan: e.plan, settings: e.settings, hostname: ctx.hostname };
        file.append(text(header));
      } else if (e.type === 'config-end') {
        line(configRecord(e.result));
      } else if (e.type === 'checkpoint') {
        file?.close();
        file = undefined;
        kept = [];
        rewriteAsSoak(e.summary.configs.map((r) => text(configRecord(r))));
      }
    },
    finish(s: RunSummary): void {
      const end: EndRecord = { kind: 'end', durationMs: s.durationMs, interrupted: s.interrupted, exitCode: s.exitCode, ...(s.stoppedEarly ? { stoppedEarly: s.stoppedEarly } : {}) };
      if (s.soak === undefined) line(end);
      file?.close();
      file = undefined;
      // A soak stopped before its first checkpoint has appended its lines; it is rewritten whole like any soak.
      if (s.soak !== undefined) rewriteAsSoak([...(kept ?? s.configs.map((r) => text(configRecord(r)))), text(end)]);
    },
  };
}

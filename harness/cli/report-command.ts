/**
 * `stress report FILE.jsonl` and `stress merge A.jsonl B.jsonl ...`: results
 * files back into any reporter's output. The reporters see the same events a
 * live run gives them (run-start, config-start/end per configuration,
 * run-end), so every reporter works on stored results unchanged.
 */
import { HarnessError } from '../core/shared/errors.js';
import { mergeResults, type MergedRun } from '../core/record/merge.js';
import { readResultsFile } from '../core/record/results-file.js';
import type { RunEvent } from '../core/events.js';
import { parseFlags } from './options.js';
import { visible } from '../core/shared/control-chars.js';
import { REPORTER_FLAGS, refuseRepeatedReporterOptions, reporterSettingsFrom } from './reporter-flags.js';
import { cliReporterContext, createReporters, dispatch, finishAll } from './reporters.js';

const FLAGS = { ...REPORTER_FLAGS, verbose: { type: 'boolean' } } as const;

export async function reportCommand(argv: string[], mode: 'report' | 'merge'): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, mode);
  if (mode === 'report' && positionals.length !== 1) throw new HarnessError('ERR_USAGE', 'stress report takes one results file (written by --reporter jsonl:FILE); to combine shards use stress merge');
  if (mode === 'merge' && positionals.length < 1) throw new HarnessError('ERR_USAGE', 'stress merge takes the results files of every shard: stress merge a.jsonl b.jsonl ...');
  refuseRepeatedReporterOptions(values);
  const settings = reporterSettingsFrom(values);
  for (const w of settings.warnings) process.stderr.write(`stress: warning: ${w}\n`);
  const files = positionals.map(readResultsFile);
  const merged = mergeResults(files, { requireAllShards: mode === 'merge' });
  for (const w of merged.warnings) process.stderr.write(`stress: warning: ${visible(w)}\n`);
  const inputs = positionals.map((path) => ({ what: 'the results file', path }));
  const reporters = await createReporters(settings.specs, cliReporterContext(settings.options), inputs);
  for (const event of replayEvents(merged)) await dispatch(reporters, event);
  await finishAll(reporters, merged.summary);
  return merged.summary.exitCode;
}

/** The events a live run would have given for these results. */
export function* replayEvents(m: MergedRun): Generator<RunEvent> {
  const configs = m.summary.configs;
  yield { type: 'run-start', seed: m.seed, configs: configs.map((r) => r.config), plan: m.plan, settings: m.settings, startedAt: m.startedAt };
  for (const [index, result] of configs.entries()) {
    yield { type: 'config-start', config: result.config, index, total: configs.length };
    yield { type: 'config-end', result, index, total: configs.length };
  }
  yield { type: 'run-end', summary: m.summary };
}

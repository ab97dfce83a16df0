import { decodeReplay } from '../replay-token.js';
import { loadSuite } from '../load-suite.js';
import { checkImpl } from '../contract/load-impl.js';
import { runOne } from '../run.js';
import type { Configuration } from '../results.js';
import { formatRate, stoppedNote } from '../stats.js';
import { parseFlags } from './options.js';
import { parsePositiveInt } from './parse.js';
import { HarnessError } from '../errors.js';
import { formatTrace } from '../../reporters/console.js';
import { hasAffinity } from '../pinned.js';
import { stallLimitMs, startMainThreadWatchdog } from './main-thread-watchdog.js';

const REPLAY_FLAGS = { runs: { type: 'string' }, 'until-reproduced': { type: 'boolean' }, trace: { type: 'boolean' }, verbose: { type: 'boolean' } } as const;
/** Replays by default; with --until-reproduced, the cap (a rare race may need thousands). */
const DEFAULT_RUNS = 100;
const DEFAULT_UNTIL_RUNS = 100_000;

export async function replayCommandMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, REPLAY_FLAGS, 'replay');
  if (positionals.length !== 1) throw new HarnessError('ERR_USAGE', 'stress replay takes exactly one token (printed after "replay:" by stress run)');
  const target = decodeReplay(positionals[0]!);
  const until = values['until-reproduced'] === true;
  const runs = values.runs === undefined ? (until ? DEFAULT_UNTIL_RUNS : DEFAULT_RUNS) : parsePositiveInt('--runs', values.runs as string, 1_000_000);
  const suite = await loadSuite(target.suiteUrl);
  if (suite.name !== target.suite) {
    throw new HarnessError('ERR_REPLAY_TOKEN', `the token names suite ${target.suite}, but ${target.suiteUrl} is suite ${suite.name}: replay from the directory the run was started in`);
  }
  // A conformance trial reloads the same implementation module (its URL is in the parameters).
  if (suite.implKind !== undefined && typeof target.params.impl === 'string') await checkImpl(target.params.impl, suite.implKind);
  const variant = suite.variants?.[target.variant];
  const config: Configuration = {
    key: `${target.suite}/${target.variant}/t${target.threads}/c-${target.cores}/j-${target.jitter}`,
    suite: target.suite,
    suiteUrl: target.suiteUrl,
    variant: target.variant,
    canary: variant?.canary === true,
    threads: target.threads,
    cores: target.cores,
    jitter: target.jitter,
    params: target.params,
    seed: target.seed,
    ...(target.impl !== undefined ? { impl: target.impl } : {}),
  };
  process.stdout.write(`replaying ${config.key}, seed ${target.seed}, trial ${target.trial}, ${until ? `until reproduced (at most ${runs} times)` : `${runs} times`}\n`);
  const planned = { config, suite, ...(target.cores !== 'all' && !hasAffinity() ? { skip: 'CPU affinity not available' } : {}) };
  const stopWatchdog = startMainThreadWatchdog(stallLimitMs(target.timeoutMs));
  let result;
  try {
    result = await runOne(planned, { timeoutMs: target.timeoutMs, traceEvents: 48, budget: { runs }, fixedSeedTrial: target.trial, ...(until ? { maxFailures: 1 } : {}) });
  } finally {
    stopWatchdog();
  }
  const note = result.stoppedAtRecoveries !== undefined ? stoppedNote(result) : '';
  process.stdout.write(`reproduced in ${result.failedTrials} of ${result.trials} runs (${formatRate(result.failedTrials, result.trials)})${note}\n`);
  if (result.failedTrials === 0 && result.errors.count === 0 && !until) {
    // The seed fixes the jitter draws, not the scheduler: a rare race may need many more runs.
    process.stdout.write(`  not reproduced: the failure depends on thread timing as well as the seed; try --until-reproduced (up to ${DEFAULT_UNTIL_RUNS.toLocaleString('en-US')} runs)\n`);
  }
  for (const inv of result.invariants) {
    if (inv.failures > 0) process.stdout.write(`  ${inv.name}: ${inv.failures} failures; e.g. ${inv.samples[0]?.details ?? ''}\n`);
  }
  for (const e of result.errors.samples.slice(0, 1)) process.stdout.write(`  error: ${e.name}: ${e.message}\n`);
  if (values.trace === true) {
    const trace = formatTrace(result);
    if (trace.length > 0) process.stdout.write(`  trace of the first reproduction:\n${trace.join('\n')}\n`);
  }
  return result.failedTrials > 0 || result.errors.count > 0 ? 1 : 0;
}

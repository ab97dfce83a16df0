import { decodeReplay, type ReplayTarget } from '../core/record/replay-token.js';
import { type AnySuite, loadSuite } from '../core/plan/load-suite.js';
import { checkImpl } from '../contract/load-impl.js';
import { runConfiguration } from '../core/run-configuration.js';
import type { Configuration } from '../core/grade/results.js';
import { formatRate, stoppedNote } from '../core/grade/stats.js';
import { parseFlags } from './options.js';
import { parsePositiveInt } from '../core/settings/parse.js';
import { parseImpls } from '../core/settings/impls.js';
import { HarnessError } from '../core/shared/errors.js';
import { formatTrace } from '../../reporters/console.js';
import { indentedLines, visible } from '../core/shared/control-chars.js';
import { hasAffinity } from '../core/execute/pinned.js';
import { skipReason } from '../core/plan/config-skip.js';
import { EXIT } from '../core/grade/verdict.js';
import { availableParallelism } from 'node:os';
import { resolveSuiteUrl } from '../core/plan/plan.js';
import { checkTokenModule, shown, urlLikeParams } from '../core/record/replay-trust.js';
import { localUrl } from '../core/shared/portable-url.js';
import type { Params } from '../suite-api.js';
import { stallLimitMs, startMainThreadWatchdog } from './main-thread-watchdog.js';

const REPLAY_FLAGS = {
  runs: { type: 'string' },
  'until-reproduced': { type: 'boolean' },
  trace: { type: 'boolean' },
  suite: { type: 'string' },
  impl: { type: 'string', multiple: true },
  verbose: { type: 'boolean' },
} as const;
/** Replays by default; with --until-reproduced, the cap (a rare race may need thousands). */
const DEFAULT_RUNS = 100;
const DEFAULT_UNTIL_RUNS = 100_000;

/**
 * The suite a replay loads: the one named with --suite (the user's choice), or the token's,
 * if a token may load it (replay-trust.ts).
 */
async function replaySuite(target: ReplayTarget, explicit: string | undefined): Promise<{ url: string; suite: AnySuite }> {
  const url = explicit !== undefined ? resolveSuiteUrl(explicit) : target.suiteUrl;
  if (explicit === undefined) checkTokenModule({ url, what: 'suite module', allow: 'name the suite file yourself with --suite FILE' });
  const suite = await loadSuite(url);
  if (suite.name !== target.suite) {
    const where = explicit !== undefined ? `--suite ${shown(explicit)}` : shown(url);
    throw new HarnessError('ERR_REPLAY_TOKEN', `the token names suite ${shown(target.suite)}, but ${where} is suite ${shown(suite.name)}: replay from the directory the run was started in, or pass that suite with --suite FILE`);
  }
  return { url, suite };
}

/**
 * The parameters with every module URL in them allowed. A conformance suite's implementation
 * (params.impl) is replaced by --impl kind=FILE when given, and otherwise checked with its own
 * hint. Then every string parameter with a URL scheme, at any depth, is checked like the suite
 * module (replay-trust.ts), whatever the token's `pu` says: a suite may import it. Only a value
 * the user named on the command line (--suite, --impl) needs no check.
 */
function replayParams(target: ReplayTarget, suite: AnySuite, impls: Record<string, string>, explicitSuiteUrl: string | undefined): Params {
  const params: Params = { ...target.params };
  const kind = suite.implKind;
  for (const k of Object.keys(impls)) {
    if (k !== kind) throw new HarnessError('ERR_USAGE', `--impl ${k}=...: suite ${shown(suite.name)} ${kind === undefined ? 'takes no implementation' : `takes a ${kind} implementation`}`);
  }
  if (kind !== undefined) {
    if (impls[kind] !== undefined) params.impl = impls[kind]!;
    else if (typeof params.impl !== 'string') throw new HarnessError('ERR_REPLAY_TOKEN', `replay token is not valid: suite ${shown(suite.name)} needs params.impl (the implementation module URL), and the token has none`);
    else checkTokenModule({ url: params.impl, what: `${kind} implementation (params.impl)`, allow: `name the file yourself with --impl ${kind}=FILE` });
  }
  const named = new Set([...Object.values(impls), ...(explicitSuiteUrl !== undefined ? [explicitSuiteUrl] : [])]);
  for (const { where, value } of urlLikeParams(params)) {
    if (named.has(value) || (where === 'params.impl' && kind !== undefined)) continue;
    // A cwd:/pkg: value the token did not list in pu stays a string for the suite, but is checked as the file it names.
    checkTokenModule({ url: localUrl(value), what: `parameter ${visible(where)}`, allow: 'rerun the configuration with stress run, where you choose its --param values' });
  }
  return params;
}

/** The variant must be the suite's own, or (conformance suites) the implementation's name; anything else "reproduces" nothing real. */
async function replayVariant(target: ReplayTarget, suite: AnySuite, params: Params): Promise<{ canary: boolean }> {
  const variants = suite.variants ?? { default: { description: suite.description } };
  if (Object.hasOwn(variants, target.variant)) {
    if (suite.implKind !== undefined) await checkImpl(String(params.impl), suite.implKind);
    return { canary: variants[target.variant]!.canary === true };
  }
  if (suite.implKind !== undefined) {
    const impl = await checkImpl(String(params.impl), suite.implKind);
    if (impl.name === target.variant) return { canary: false };
  }
  throw new HarnessError(
    'ERR_REPLAY_TOKEN',
    `replay token is not valid: field va (variant) is ${shown(target.variant)}, but suite ${shown(suite.name)} has no such variant; expected one of ${Object.keys(variants).map((v) => shown(v)).join(', ')}`,
  );
}

export async function replayCommandMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, REPLAY_FLAGS, 'replay');
  if (positionals.length !== 1) throw new HarnessError('ERR_USAGE', 'stress replay takes exactly one token (printed after "replay:" by stress run)');
  const target = decodeReplay(positionals[0]!);
  const until = values['until-reproduced'] === true;
  const runs = values.runs === undefined ? (until ? DEFAULT_UNTIL_RUNS : DEFAULT_RUNS) : parsePositiveInt('--runs', values.runs as string, 1_000_000);
  const impls = parseImpls('--impl', (values.impl as string[] | undefined) ?? [], process.cwd());
  const { url, suite } = await replaySuite(target, values.suite as string | undefined);
  const params = replayParams(target, suite, impls, values.suite !== undefined ? url : undefined);
  const { canary } = await replayVariant(target, suite, params);
  const config: Configuration = {
    key: `${target.suite}/${target.variant}/t${target.threads}/c-${target.cores}/j-${target.jitter}`,
    suite: target.suite,
    suiteUrl: url,
    variant: target.variant,
    canary,
    threads: target.threads,
    cores: target.cores,
    jitter: target.jitter,
    params,
    seed: target.seed,
    ...(target.impl !== undefined ? { impl: target.impl } : {}),
  };
  // Suite text (names, details, messages) is the suite author's: shown, never sent to the terminal raw.
  // A configuration stress run would skip here cannot be replayed here either: say so, not "not reproduced".
  const machine = { hasAffinity: target.cores === 'all' || hasAffinity(), available: availableParallelism() };
  const cannot = skipReason(suite, target.threads, target.cores, machine);
  if (cannot !== undefined) {
    process.stdout.write(`cannot replay ${visible(config.key)} here: ${visible(cannot)} (stress run skips this configuration too); nothing was tested\n`);
    return EXIT.NOTHING_RAN;
  }
  process.stdout.write(`replaying ${visible(config.key)}, seed ${visible(target.seed)}, trial ${target.trial}, ${until ? `until reproduced (at most ${runs} times)` : `${runs} times`}\n`);
  const planned = { config, suite };
  const stopWatchdog = startMainThreadWatchdog(stallLimitMs(target.timeoutMs));
  let result;
  try {
    result = await runConfiguration(planned, { timeoutMs: target.timeoutMs, traceEvents: 48, budget: { runs }, fixedSeedTrial: target.trial, ...(until ? { maxFailures: 1 } : {}) });
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
    if (inv.failures > 0) process.stdout.write(`  ${visible(inv.name)}: ${inv.failures} failures; e.g. ${indentedLines(inv.samples[0]?.details ?? '', '    ')}\n`);
  }
  for (const e of result.errors.samples.slice(0, 1)) process.stdout.write(`  error: ${visible(e.name)}: ${indentedLines(e.message, '    ')}\n`);
  if (values.trace === true) {
    const trace = formatTrace(result);
    if (trace.length > 0) process.stdout.write(`  trace of the first reproduction:\n${trace.join('\n')}\n`);
  }
  return result.failedTrials > 0 || result.errors.count > 0 ? 1 : 0;
}

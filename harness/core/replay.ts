/**
 * Replay: one trial of a run, named by its token, run again. `stress replay` and the API's
 * `replay(token, options)` both come here, so they check a token the same way (replay-trust.ts
 * decides what it may load) and run the same configuration: its key from the plan's own
 * configKey (the trial seeds derive from it), its settings from the token (trial timeout, trace
 * events) unless the caller overrides them, through the resolve step like every other setting.
 * A controlled trial's token also rebuilds its controlled configuration (the key ends in its
 * schedule) and hands the exact schedule spec to the execution.
 */
import { availableParallelism } from 'node:os';
import { decodeReplay, type ReplayTarget } from './record/replay-token.js';
import { type AnySuite, loadSuite } from './plan/load-suite.js';
import { checkImpl } from '../contract/load-impl.js';
import { type ConfigRunOptions, type PlannedWork, runConfiguration } from './run-configuration.js';
import type { ConfigResult, Configuration } from './grade/results.js';
import { HarnessError } from './shared/errors.js';
import { visible } from './shared/control-chars.js';
import { hasAffinity } from './execute/pinned.js';
import { skipReason } from './plan/config-skip.js';
import { configKey, resolveSuiteUrl } from './plan/plan.js';
import { isControlled } from './plan/schedule-axis.js';
import { checkTokenModule, shown, urlLikeParams } from './record/replay-trust.js';
import { localUrl } from './shared/portable-url.js';
import { DEFAULT_REPLAY_RUNS, DEFAULT_REPLAY_UNTIL_RUNS } from './settings/defaults.js';
import { parsePositiveInt } from './settings/parse.js';
import { type Layer, resolveSettings, type SettingKey } from './settings/resolve.js';
import { type Source, sourceLabel } from './settings/source.js';
import type { Params } from '../suite-api.js';
import { executeConfiguration } from './execute/executor.js';
import { type InterleavingCheck, InterleavingTally } from './schedule/replay-check.js';

/** A replay's result: the configuration's, and for a controlled trial's token, how many runs ran its exact interleaving. */
export type ReplayResult = ConfigResult & { interleaving?: InterleavingCheck };

/** The most replays one request may ask for. */
export const MAX_REPLAY_RUNS = 1_000_000;

/** `replay(token, options)`: what `stress replay`'s flags say, as options. */
export interface ReplayOptions {
  /** Trials of the token's seed (default 100; with untilReproduced, the cap: default 100,000). */
  runs?: number;
  /** Stop at the first reproduction. */
  untilReproduced?: boolean;
  /** The suite file to load instead of the token's (the token's must be a built-in suite or under the working directory). */
  suite?: string;
  /** Conformance suites: the implementation module by kind, instead of the token's. */
  impls?: Record<string, string>;
  /** Trace events kept per thread of a reproduction (default: the run's, if the token records it). */
  traceEvents?: number;
  signal?: AbortSignal;
}

/** A front end's replay request: the token, and its own settings (runs, impls, traceEvents) as a layer of flags or options. */
export interface ReplayRequest {
  token: string;
  settings: Layer;
  suite?: string;
  untilReproduced: boolean;
  signal?: AbortSignal;
}

/** A replay ready to run: the configuration (with why it cannot run here, if so) and how to run it. */
export interface PreparedReplay {
  target: ReplayTarget;
  work: PlannedWork;
  runs: number;
  untilReproduced: boolean;
  run: ConfigRunOptions;
  sources: Partial<Record<SettingKey | 'runs', Source>>;
}

/**
 * The configuration a replay runs, from the token and what the replay loaded: the same fields the
 * plan builds, the key from the plan's own function.
 */
export function replayConfiguration(target: ReplayTarget, loaded: { suiteUrl: string; params: Params; canary: boolean; bug?: string }): Configuration {
  return {
    key: configKey(target),
    suite: target.suite,
    suiteUrl: loaded.suiteUrl,
    variant: target.variant,
    canary: loaded.canary,
    threads: target.threads,
    cores: target.cores,
    jitter: target.jitter,
    params: loaded.params,
    seed: target.seed,
    ...(loaded.bug !== undefined ? { bug: loaded.bug } : {}),
    ...(target.impl !== undefined ? { impl: target.impl } : {}),
    ...(isControlled(target.schedule) ? { schedule: target.schedule } : {}),
  };
}

/** The token's own settings, as the weakest layer above the defaults. */
function tokenLayer(target: ReplayTarget): Layer {
  return {
    kind: 'token',
    checked: true,
    values: {
      timeoutMs: { raw: target.timeoutMs, name: 'to' },
      ...(target.traceEvents !== undefined ? { traceEvents: { raw: target.traceEvents, name: 'te' } } : {}),
    },
  };
}

export async function prepareReplay(req: ReplayRequest): Promise<PreparedReplay> {
  const target = decodeReplay(req.token);
  // Replay's runs are its own setting: another default, and a cap of their own.
  const { runs: runsGiven, ...values } = req.settings.values;
  const runsSource: Source = runsGiven !== undefined ? { kind: req.settings.kind, name: runsGiven.name } : { kind: 'default', name: 'runs' };
  const runs = runsGiven === undefined ? (req.untilReproduced ? DEFAULT_REPLAY_UNTIL_RUNS : DEFAULT_REPLAY_RUNS) : parsePositiveInt(sourceLabel(runsSource), runsGiven.raw as string | number, MAX_REPLAY_RUNS);
  const { options, sources } = resolveSettings([{ ...req.settings, values }, tokenLayer(target)]);
  const { url, suite } = await replaySuite(target, req.suite);
  const params = replayParams(target, suite, options.impls ?? {}, req.suite !== undefined ? url : undefined, sources.impls);
  const variant = await replayVariant(target, suite, params);
  const config = replayConfiguration(target, { suiteUrl: url, params, ...variant });
  // A configuration stress run would skip here cannot be replayed here either.
  const machine = { hasAffinity: target.cores === 'all' || hasAffinity(), available: availableParallelism() };
  const skip = skipReason(suite, { threads: target.threads, cores: target.cores, schedule: target.schedule }, machine);
  const run: ConfigRunOptions = {
    timeoutMs: options.timeoutMs,
    traceEvents: options.traceEvents,
    budget: { runs },
    fixedSeedTrial: target.trial,
    // A controlled trial's token carries its exact schedule: every replay runs under it.
    ...(target.scheduleSpec !== undefined ? { scheduleSpec: target.scheduleSpec } : {}),
    ...(req.untilReproduced ? { maxFailures: 1 } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
  };
  return { target, work: { config, suite, ...(skip !== undefined ? { skip } : {}) }, runs, untilReproduced: req.untilReproduced, run, sources: { ...sources, runs: runsSource } };
}

/** The options of `replay()` as a layer: checked by the resolve step's parsers, named as the options are. */
function optionsLayer(o: ReplayOptions): Layer {
  const values: Layer['values'] = {};
  if (o.runs !== undefined) values.runs = { raw: o.runs, name: 'runs' };
  if (o.impls !== undefined) values.impls = { raw: o.impls, name: 'impls' };
  if (o.traceEvents !== undefined) values.traceEvents = { raw: o.traceEvents, name: 'traceEvents' };
  return { kind: 'option', values };
}

/**
 * Replays the trial a token names, as `stress replay` does, and returns the configuration's
 * result: `failedTrials > 0` when the failure was reproduced, status 'skipped' (with the reason)
 * when this machine cannot run the configuration.
 */
export async function replay(token: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const prepared = await prepareReplay({
    token,
    settings: optionsLayer(options),
    untilReproduced: options.untilReproduced === true,
    ...(options.suite !== undefined ? { suite: options.suite } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return runReplay(prepared);
}

/**
 * Runs a prepared replay. A controlled trial's token (a spec and its interleaving hash) runs
 * controlled under that spec, and each run's hash is compared with the token's: the result says
 * in how many runs the interleaving was identical, and where a switch list stopped fitting.
 */
export async function runReplay(prepared: PreparedReplay): Promise<ReplayResult> {
  const { target, work, run } = prepared;
  const hash = target.scheduleHash;
  if (target.scheduleSpec === undefined || hash === undefined || work.skip !== undefined) return runConfiguration(work, run);
  const tally = new InterleavingTally(hash);
  // As runConfiguration runs a schedule spec (in this process, whatever the token's cores), with each run's schedule seen.
  const result = await executeConfiguration(work.suite, work.config, {
    timeoutMs: run.timeoutMs,
    traceEvents: run.traceEvents,
    budget: run.budget,
    scheduleSpec: target.scheduleSpec,
    // The first run keeps its whole interleaving: the report shows what every identical run ran.
    scheduleLogTrial: 0,
    onControlledTrial: (_, c) => tally.add(c.hash, c.diverged),
    shouldStop: () => run.signal?.aborted ?? false,
    ...(run.maxFailures !== undefined ? { maxFailures: run.maxFailures } : {}),
    ...(run.fixedSeedTrial !== undefined ? { fixedSeedTrial: run.fixedSeedTrial } : {}),
  });
  return { ...result, interleaving: tally.check };
}

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
function replayParams(target: ReplayTarget, suite: AnySuite, impls: Record<string, string>, explicitSuiteUrl: string | undefined, implsSource: Source | undefined): Params {
  const params: Params = { ...target.params };
  const kind = suite.implKind;
  for (const k of Object.keys(impls)) {
    if (k !== kind) throw new HarnessError('ERR_USAGE', `${implsSource?.name ?? '--impl'} ${k}=...: suite ${shown(suite.name)} ${kind === undefined ? 'takes no implementation' : `takes a ${kind} implementation`}`);
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
async function replayVariant(target: ReplayTarget, suite: AnySuite, params: Params): Promise<{ canary: boolean; bug?: string }> {
  const variants = suite.variants ?? { default: { description: suite.description } };
  if (Object.hasOwn(variants, target.variant)) {
    if (suite.implKind !== undefined) await checkImpl(String(params.impl), suite.implKind);
    const spec = variants[target.variant]!;
    return { canary: spec.canary === true, ...(spec.bug !== undefined ? { bug: spec.bug } : {}) };
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

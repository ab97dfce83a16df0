/**
 * A replay token names one trial of one configuration exactly: suite module,
 * variant, parameters, threads, cores, jitter profile, master seed and trial
 * index, and the trial timeout and trace length the run used. `stress replay <token>` decodes it and reruns that trial's seed.
 * A controlled trial's token also carries its schedule (token-schedule.ts), and is version 2;
 * a token without schedule fields stays version 1, so tokens of older versions decode unchanged.
 *
 * Tokens are pasted from CI logs, so decoding trusts nothing: every field is
 * checked against what a run can produce, and an error names the field and
 * what was expected. Which modules a token may load is not decided here:
 * suiteUrl and the module URL parameters are what the token says, and the
 * replay command checks them (replay-trust.ts) before it loads anything.
 */
import { HarnessError } from '../shared/errors.js';
import { JITTER_PROFILES, jitterNameProblem } from '../execute/jitter.js';
import { localParams, localUrl, portableParams, portableUrl } from '../shared/portable-url.js';
import { shown } from './replay-trust.js';
import { visible } from '../shared/control-chars.js';
import type { Configuration } from '../grade/results.js';
import { MAX_CORES, MAX_THREADS, MAX_TRACE_EVENTS } from '../settings/run-options.js';
import { DEFAULT_TIMEOUT_MS } from '../settings/defaults.js';
import type { Params } from '../../suite-api.js';
import { decodeTokenParams, encodeTokenParams, type ParamPath } from './token-params.js';
import type { ScheduleName, ScheduleSpec } from '../schedule/types.js';
import { decodeScheduleFields, encodeScheduleSpec, SCHEDULE_FIELDS, type TokenScheduleFields } from './token-schedule.js';

/** 1: free-running trials (every version of shakedown reads it); 2: with schedule fields. */
const TOKEN_VERSIONS = [1, 2] as const;
const LATEST_TOKEN_VERSION = 2;

interface Token extends TokenScheduleFields {
  /** 2 when any schedule field is present, else 1. */
  v: (typeof TOKEN_VERSIONS)[number];
  u: string;
  s: string;
  va: string;
  p?: unknown;
  t: number;
  c: 'all' | number;
  j: string;
  seed: string;
  trial: number;
  to: number;
  /** Name of the implementation under test (conformance suites; its URL is in p.impl). */
  im?: string;
  /** Keys of `p` whose values are (portable) module URLs; absent in tokens from before they were portable. */
  pu?: string[];
  /** Places in `p` of BigInt parameters, written as decimal strings (token-params.ts). */
  pb?: ParamPath[];
  /** Set instead of `p` when the parameters could not be written (a cycle): why. */
  pe?: string;
  /** Trace events kept per thread in the run (`--trace-events`); absent in older tokens. */
  te?: number;
}

const FIELDS = new Set(['v', 'u', 's', 'va', 'p', 't', 'c', 'j', 'seed', 'trial', 'to', 'im', 'pu', 'pb', 'pe', 'te', ...SCHEDULE_FIELDS]);
/** Longer than any trial timeout a run accepts in practice (a day); bounds what a token can ask for. */
const MAX_TIMEOUT_MS = 86_400_000;

export interface ReplayTarget {
  suiteUrl: string;
  suite: string;
  variant: string;
  params: Params;
  /** Keys of params whose values are module URLs (checked like the suite's URL before a replay loads them). */
  urlParams: string[];
  threads: number;
  cores: 'all' | number;
  jitter: string;
  seed: string;
  trial: number;
  timeoutMs: number;
  /** The run's trace events per thread, when the token records them. */
  traceEvents?: number;
  impl?: string;
  /** The configuration's schedule, when it is a controlled one (its key ends in it). */
  schedule?: ScheduleName;
  /** The exact schedule the trial ran under: replay runs it controlled with this spec. */
  scheduleSpec?: ScheduleSpec;
  /** First 8 hex digits of the trial's interleaving hash: replay compares its own with it. */
  scheduleHash?: string;
}

/** A controlled trial's schedule, as the token records it. */
export interface TokenSchedule {
  spec: ScheduleSpec;
  /** First 8 hex digits of the interleaving hash. */
  hash: string;
}

/**
 * Never throws: a failure must get its token even when its parameters cannot be written.
 * `schedule`: the spec and interleaving hash of a controlled trial (the configuration's own
 * schedule name, if any, comes from config.schedule).
 */
export function encodeReplay(config: Configuration, trial: number, timeoutMs: number, traceEvents?: number, schedule?: TokenSchedule): string {
  const { params, urlKeys } = portableParams(config.params);
  let encoded: { p: unknown; pb: ParamPath[] } | { pe: string };
  try {
    encoded = encodeTokenParams(params);
  } catch (err) {
    encoded = { pe: (err as Error).message };
  }
  const scheduleFields: TokenScheduleFields = {
    ...(config.schedule !== undefined ? { sn: config.schedule } : {}),
    ...(schedule !== undefined ? { sc: encodeScheduleSpec(schedule.spec), h: schedule.hash } : {}),
  };
  const token: Token = {
    v: Object.keys(scheduleFields).length > 0 ? 2 : 1,
    u: portableUrl(config.suiteUrl),
    s: config.suite,
    va: config.variant,
    ...('pe' in encoded ? { pe: encoded.pe } : { p: encoded.p, ...(encoded.pb.length > 0 ? { pb: encoded.pb } : {}) }),
    ...(urlKeys.length > 0 ? { pu: urlKeys } : {}),
    t: config.threads,
    c: config.cores,
    j: config.jitter,
    seed: config.seed,
    trial,
    to: timeoutMs,
    ...(traceEvents !== undefined ? { te: traceEvents } : {}),
    ...(config.impl !== undefined ? { im: config.impl } : {}),
    ...scheduleFields,
  };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function invalid(field: string, expected: string, got: unknown): HarnessError {
  const text = got === undefined ? 'missing (was the token cut when pasted?)' : typeof got === 'string' ? shown(got) : visible((JSON.stringify(got) ?? typeof got).slice(0, 80));
  return new HarnessError('ERR_REPLAY_TOKEN', `replay token is not valid: field ${field} is ${text}; expected ${expected}`);
}

function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function nonEmptyString(t: Record<string, unknown>, field: string, what: string): string {
  const v = t[field];
  if (typeof v !== 'string' || v === '') throw invalid(`${field} (${what})`, 'a non-empty string', v);
  return v;
}

export function decodeReplay(token: string): ReplayTarget {
  let parsed: unknown;
  try {
    // base64url decoding skips characters outside its alphabet: a token with spaces or quotes is no token.
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new HarnessError('ERR_REPLAY_TOKEN', 'replay token is not valid: expected the token printed by a failing `stress run` (letters, digits, - and _ only)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HarnessError('ERR_REPLAY_TOKEN', 'replay token is not valid: expected the token printed by a failing `stress run`');
  }
  const t = parsed as Record<string, unknown>;
  // The version first: a newer token's fields are unknown here, and "from a newer version" is the helpful message.
  if (typeof t.v === 'number' && Number.isInteger(t.v) && t.v > LATEST_TOKEN_VERSION) {
    throw new HarnessError('ERR_REPLAY_TOKEN', `replay token is from a newer version of shakedown (token version ${t.v}; this one reads versions ${TOKEN_VERSIONS.join(' and ')}): replay it with the version that ran it`);
  }
  if (!(TOKEN_VERSIONS as readonly unknown[]).includes(t.v)) throw invalid('v (version)', `${TOKEN_VERSIONS.join(' or ')} (a token from this version of shakedown)`, t.v);
  const unknown = Object.keys(t).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) throw new HarnessError('ERR_REPLAY_TOKEN', `replay token is not valid: unknown field ${shown(unknown[0]!)}; expected only ${[...FIELDS].join(', ')}`);
  // The version says whether schedule fields are there, as the encoder writes it.
  const hasSchedule = SCHEDULE_FIELDS.some((field) => t[field] !== undefined);
  if (hasSchedule !== (t.v === 2)) throw invalid('v (version)', hasSchedule ? '2 (the token has schedule fields sn, sc, h)' : '1 (version 2 tokens carry a schedule: sn, sc or h)', t.v);
  const u = nonEmptyString(t, 'u', 'suite module');
  const suite = nonEmptyString(t, 's', 'suite name');
  const variant = nonEmptyString(t, 'va', 'variant');
  if (!isIntIn(t.t, 1, MAX_THREADS)) throw invalid('t (threads)', `an integer from 1 to ${MAX_THREADS}`, t.t);
  const cores = t.c ?? 'all';
  if (cores !== 'all' && !isIntIn(cores, 1, MAX_CORES)) throw invalid('c (cores)', `"all" or an integer from 1 to ${MAX_CORES}`, cores);
  const jitter = nonEmptyString(t, 'j', 'jitter profile');
  if (jitterNameProblem(jitter) !== undefined) throw invalid('j (jitter profile)', `one of ${Object.keys(JITTER_PROFILES).join(', ')}`, jitter);
  const seed = nonEmptyString(t, 'seed', 'master seed');
  if (!isIntIn(t.trial, 0, Number.MAX_SAFE_INTEGER)) throw invalid('trial', 'a whole number >= 0', t.trial);
  const timeoutMs = t.to ?? DEFAULT_TIMEOUT_MS;
  if (!isIntIn(timeoutMs, 1, MAX_TIMEOUT_MS)) throw invalid('to (trial timeout)', `a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`, timeoutMs);
  if (t.te !== undefined && !isIntIn(t.te, 1, MAX_TRACE_EVENTS)) throw invalid('te (trace events)', `a whole number from 1 to ${MAX_TRACE_EVENTS}`, t.te);
  if (t.im !== undefined) nonEmptyString(t, 'im', 'implementation name');
  if (t.pe !== undefined) {
    throw new HarnessError('ERR_REPLAY_TOKEN', `this token could not carry the run's parameters (${typeof t.pe === 'string' ? shown(t.pe) : 'no reason given'}); rerun the configuration with stress run and its --seed instead`);
  }
  const raw = decodeTokenParams(t.p ?? {}, t.pb);
  const pu = t.pu ?? [];
  if (!Array.isArray(pu) || !pu.every((k) => typeof k === 'string' && Object.hasOwn(raw, k) && typeof raw[k] === 'string')) {
    throw invalid('pu (module URL parameters)', 'a list of names of string parameters in p', pu);
  }
  const schedule = decodeScheduleFields(t, t.t, cores, jitter);
  return {
    suiteUrl: localUrl(u),
    suite,
    variant,
    params: localParams(raw, pu as string[]),
    urlParams: pu as string[],
    threads: t.t,
    cores,
    jitter,
    seed,
    trial: t.trial,
    timeoutMs,
    ...(typeof t.te === 'number' ? { traceEvents: t.te } : {}),
    ...(typeof t.im === 'string' ? { impl: t.im } : {}),
    ...schedule,
  };
}

export function replayCommand(token: string): string {
  return `npx stress replay ${token}`;
}

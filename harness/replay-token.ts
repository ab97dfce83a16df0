/**
 * A replay token names one trial of one configuration exactly: suite module,
 * variant, parameters, threads, cores, jitter profile, master seed and trial
 * index. `stress replay <token>` decodes it and reruns that trial's seed.
 */
import { HarnessError } from './errors.js';
import { localParams, localUrl, portableParams, portableUrl } from './portable-url.js';
import type { Configuration } from './results.js';
import type { Params } from './suite-api.js';

interface TokenV1 {
  v: 1;
  u: string;
  s: string;
  va: string;
  p: Params;
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
}

export interface ReplayTarget {
  suiteUrl: string;
  suite: string;
  variant: string;
  params: Params;
  threads: number;
  cores: 'all' | number;
  jitter: string;
  seed: string;
  trial: number;
  timeoutMs: number;
  impl?: string;
}

export function encodeReplay(config: Configuration, trial: number, timeoutMs: number): string {
  const { params, urlKeys } = portableParams(config.params);
  const token: TokenV1 = {
    v: 1,
    u: portableUrl(config.suiteUrl),
    s: config.suite,
    va: config.variant,
    p: params,
    ...(urlKeys.length > 0 ? { pu: urlKeys } : {}),
    t: config.threads,
    c: config.cores,
    j: config.jitter,
    seed: config.seed,
    trial,
    to: timeoutMs,
    ...(config.impl !== undefined ? { im: config.impl } : {}),
  };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodeReplay(token: string): ReplayTarget {
  let t: Partial<TokenV1>;
  try {
    t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenV1>;
  } catch {
    throw new HarnessError('ERR_REPLAY_TOKEN', 'replay token is not valid: expected the token printed by a failing `stress run`');
  }
  if (
    t.v !== 1 ||
    typeof t.u !== 'string' ||
    typeof t.s !== 'string' ||
    typeof t.va !== 'string' ||
    typeof t.t !== 'number' ||
    typeof t.j !== 'string' ||
    typeof t.seed !== 'string' ||
    typeof t.trial !== 'number'
  ) {
    throw new HarnessError('ERR_REPLAY_TOKEN', 'replay token is not valid: fields missing (was it cut when pasted?)');
  }
  return {
    suiteUrl: localUrl(t.u),
    suite: t.s,
    variant: t.va,
    params: localParams(t.p ?? {}, Array.isArray(t.pu) ? t.pu : []),
    threads: t.t,
    cores: t.c ?? 'all',
    jitter: t.j,
    seed: t.seed,
    trial: t.trial,
    timeoutMs: typeof t.to === 'number' ? t.to : 1000,
    ...(typeof t.im === 'string' ? { impl: t.im } : {}),
  };
}

export function replayCommand(token: string): string {
  return `npx stress replay ${token}`;
}

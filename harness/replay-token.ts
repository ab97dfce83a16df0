/**
 * A replay token names one trial of one configuration exactly: suite module,
 * variant, parameters, threads, cores, jitter profile, master seed and trial
 * index. `stress replay <token>` decodes it and reruns that trial's seed.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { HarnessError } from './errors.js';
import type { Configuration } from './results.js';
import type { Params } from './suite-api.js';

/**
 * Module URLs in a token are written so that a token printed on one machine (a CI runner's
 * checkout) replays on another (a developer's clone): shakedown's own modules relative to its
 * package (`pkg:suites/counter.js`), user modules relative to the working directory
 * (`cwd:test/my-suite.js`, for a run and a replay from the project root), anything else as it was.
 */
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

function under(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : undefined;
}

function portableUrl(url: string): string {
  if (!url.startsWith('file:')) return url;
  const path = fileURLToPath(url);
  const inPackage = under(PACKAGE_ROOT, path);
  if (inPackage !== undefined) return `pkg:${inPackage}`;
  const inCwd = under(process.cwd(), path);
  return inCwd !== undefined ? `cwd:${inCwd}` : url;
}

function localUrl(url: string): string {
  if (url.startsWith('pkg:')) return pathToFileURL(resolve(PACKAGE_ROOT, url.slice(4))).href;
  if (url.startsWith('cwd:')) return pathToFileURL(resolve(process.cwd(), url.slice(4))).href;
  return url;
}

/** Parameters may hold module URLs too (a conformance suite's implementation under test). */
function mapUrls(params: Params, f: (url: string) => string): Params {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' && /^(file|pkg|cwd):/.test(v) ? f(v) : v]));
}

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
  const token: TokenV1 = {
    v: 1,
    u: portableUrl(config.suiteUrl),
    s: config.suite,
    va: config.variant,
    p: mapUrls(config.params, portableUrl),
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
    params: mapUrls(t.p ?? {}, localUrl),
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

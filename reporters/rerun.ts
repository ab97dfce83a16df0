/**
 * A command that reruns one configuration with the run's seed: the suite
 * (built-in name or file path), its place in the matrix, and a --grep that
 * selects only it. A conformance configuration of a user's implementation
 * (`--impl lock=./my-lock.js`) needs that flag again: its variant exists only
 * with it. For a single failing trial, the replay token is better.
 */
import { fileURLToPath } from 'node:url';
import { CONFORMANCE_SUITES } from '../harness/core/plan/builtin-suites.js';
import type { Configuration } from '../harness/core/grade/results.js';
import type { RunSettings } from '../harness/core/settings/run-options.js';

const BUILTIN = /\/suites\/(counter|producer-consumer|barrier-start|deadlock|conformance\/[a-z]+)\.js$/;

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function suiteRef(config: Configuration): string {
  const builtin = BUILTIN.exec(config.suiteUrl);
  if (builtin !== null && builtin[1] === config.suite) return config.suite;
  return config.suiteUrl.startsWith('file:') ? fileURLToPath(config.suiteUrl) : config.suiteUrl;
}

/**
 * `kind=path` when the configuration ran a user's module given with --impl:
 * such a variant is named after the implementation and is no canary; the
 * suite's own implementation (suites/impls/shakedown-<kind>.js) is excluded,
 * since the suite runs it by itself.
 */
export function implFlag(config: Configuration): string | undefined {
  const kind = Object.entries(CONFORMANCE_SUITES).find(([, name]) => name === config.suite)?.[0];
  const url = config.params.impl;
  if (kind === undefined || typeof url !== 'string' || config.impl === undefined || config.canary || config.variant !== config.impl) return undefined;
  if (new RegExp(`/suites/impls/shakedown-${kind}\\.js$`).test(url)) return undefined;
  return `${kind}=${url.startsWith('file:') ? fileURLToPath(url) : url}`;
}

export function rerunCommand(config: Configuration, settings: RunSettings | undefined): string {
  const args = [
    'npx stress run',
    shellQuote(suiteRef(config)),
    '--threads', String(config.threads),
    '--cores', String(config.cores),
    '--jitter', config.jitter,
    // A controlled configuration's key ends in its schedule: the default axis may not plan it.
    ...(config.schedule !== undefined ? ['--schedule', config.schedule] : []),
    '--grep', shellQuote(`^${escapeRegExp(config.key)}$`),
    '--seed', shellQuote(config.seed),
  ];
  if (settings?.runs !== undefined) args.push('--runs', String(settings.runs));
  const impl = implFlag(config);
  if (impl !== undefined) args.push('--impl', shellQuote(impl));
  for (const [k, v] of Object.entries(config.params)) {
    // --impl sets params.impl itself.
    if (impl === undefined || k !== 'impl') args.push('--param', shellQuote(`${k}=${String(v)}`));
  }
  return args.join(' ');
}

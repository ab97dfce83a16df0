/**
 * A command that reruns one configuration with the run's seed: the suite
 * (built-in name or file path), its place in the matrix, and a --grep that
 * selects only it. For a single failing trial, the replay token is better.
 */
import { fileURLToPath } from 'node:url';
import type { Configuration } from '../harness/results.js';
import type { RunSettings } from '../harness/run.js';

const BUILTIN = /\/suites\/(counter|producer-consumer|barrier-start|deadlock)\.js$/;

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

export function rerunCommand(config: Configuration, settings: RunSettings | undefined): string {
  const args = [
    'npx stress run',
    shellQuote(suiteRef(config)),
    '--threads', String(config.threads),
    '--cores', String(config.cores),
    '--jitter', config.jitter,
    '--grep', shellQuote(`^${escapeRegExp(config.key)}$`),
    '--seed', shellQuote(config.seed),
  ];
  if (settings?.runs !== undefined) args.push('--runs', String(settings.runs));
  for (const [k, v] of Object.entries(config.params)) args.push('--param', shellQuote(`${k}=${String(v)}`));
  return args.join(' ');
}

/** `stress --version`: the version of the package this CLI belongs to, read from its package.json. */
import { readFileSync } from 'node:fs';

/** dist/harness/cli/version.js -> the package root's package.json (three folders up). */
const PACKAGE_JSON = new URL('../../../package.json', import.meta.url);

export function packageVersion(): string {
  const version = (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}

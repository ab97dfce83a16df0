/** shakedown's own version, from its package.json (recorded in result files and reports). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;
export function toolVersion(): string {
  if (cached === undefined) {
    try {
      // dist/harness/core/shared/version.js -> the package root's package.json.
      const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version?: string };
      cached = pkg.version ?? 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}

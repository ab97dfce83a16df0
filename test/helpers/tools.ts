/** External tools some tests need (xmllint, chromium): found on PATH or not; tests that need one skip loudly. */
import { spawnSync } from 'node:child_process';

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore', timeout: 5000 }).status === 0;
}

export function skipLoudly(ctx: Mocha.Context, tool: string, install: string): void {
  console.warn(`      SKIPPED: ${tool} is not installed (${install}); this check did not run`);
  ctx.skip();
}

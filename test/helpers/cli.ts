/** The `stress` binary in a child process, with a timeout on every call. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../harness/cli/main.js', import.meta.url));

export function stress(args: string[], env: Record<string, string | undefined> = {}, timeout = 60_000): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout,
    // No colour whatever the caller's shell says (FORCE_COLOR): tests read the plain text.
    env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '', NO_COLOR: '1', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

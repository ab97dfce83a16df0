/**
 * Replay output is read by people and by scripts: suite text in it (details, names) must not
 * forge a line of its own, such as "reproduced in 0 of 100 runs", nor reorder what is shown.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../harness/cli/main.js', import.meta.url));
const FORGES = fileURLToPath(new URL('./fixtures/forges-lines.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function stressIn(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 90_000, env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('stress replay: suite text cannot forge output lines', function () {
  this.timeout(120_000);

  it('indents the continuation lines of multi-line details, and escapes bidi controls and U+2028/U+2029', () => {
    const run = stressIn(ROOT, 'run', FORGES, '--runs', '1', '--jitter', 'none', '--seed', 'forge');
    assert.equal(run.code, 1, run.out + run.err);
    const t = /replay: npx stress replay (\S+)/.exec(run.out)?.[1];
    assert.ok(t, run.out);
    const r = stressIn(ROOT, 'replay', t, '--runs', '2');
    assert.equal(r.code, 1, r.out + r.err);
    const lines = r.out.split('\n');
    // Only the replay's own result line starts a line with "reproduced in"; the details' copies are indented under it.
    assert.deepEqual(lines.filter((l) => /^\s{0,2}(reproduced in|not reproduced)/.test(l)), ['reproduced in 2 of 2 runs (100% [34.2%, 100%])'], r.out);
    assert.ok(lines.includes('    reproduced in 0 of 100 runs (0.0%)'), r.out);
    assert.doesNotMatch(r.out, /[\u2028\u2029\u202A-\u202E\u2066-\u2069\u200E\u200F]/, JSON.stringify(r.out));
    assert.match(r.out, /holds\\u202eblah: 2 failures; e\.g\. first line\n/);
    assert.match(r.out, /not reproduced either\\u2028reproduced in 0 of 7 runs\\u2029end/);
  });

  it('indents them in the run\'s own failure report too: no line of the console output starts with the forged text', () => {
    const run = stressIn(ROOT, 'run', FORGES, '--runs', '1', '--jitter', 'none', '--seed', 'forge');
    assert.equal(run.code, 1, run.out + run.err);
    const lines = run.out.split('\n');
    assert.ok(lines.some((l) => l.includes('first line')), run.out);
    assert.ok(!lines.some((l) => /^(reproduced|not reproduced)/.test(l)), run.out);
  });
});

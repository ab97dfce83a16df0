/**
 * The rerun command of a configuration (JUnit property `rerun`) reruns it:
 * for a conformance run of the user's module (`--impl lock=./x.js`) it must
 * give --impl again, since the variant named after that module exists only
 * with it. Checked end to end: the command from the report is executed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, stress } from '../helpers/cli.js';

const USER_LOCK = fileURLToPath(new URL('../harness/fixtures/impls/named-export.js', import.meta.url));
const KEY = 'conformance/lock/named-export-lock/t2/c-all/j-none';

function properties(xml: string, suite: string): Record<string, string> {
  const body = new RegExp(`<testsuite name="${suite.replace(/[/.]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</testsuite>`).exec(xml)?.[1] ?? '';
  const unescape = (v: string): string => v.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return Object.fromEntries([...body.matchAll(/<property name="([^"]*)" value="([^"]*)"\/>/g)].map((m) => [m[1]!, unescape(m[2]!)]));
}

describe('reporters/rerun: an --impl run', function () {
  this.timeout(120_000);

  it('names the implementation under test in JUnit, and its rerun command gives --impl and reruns that configuration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rerun-'));
    const xml = join(dir, 'stress.xml');
    const r = stress(['run', '--impl', `lock=${USER_LOCK}`, '--threads', '2', '--jitter', 'none', '--runs', '20', '--seed', 'rerun-impl', '--reporter', `junit:${xml}`]);
    assert.equal(r.code, 0, r.err);
    const props = properties(readFileSync(xml, 'utf8'), KEY);
    assert.match(props.implementation ?? '', /^named-export-lock \(file:\/\/\/.*\/fixtures\/impls\/named-export\.js\)$/);
    assert.match(props['suite module'] ?? '', /\/suites\/conformance\/lock\.js$/);
    const rerun = props.rerun ?? '';
    assert.ok(rerun.includes(` --impl lock=${USER_LOCK}`), rerun);
    assert.doesNotMatch(rerun, /--param impl=/);
    // Run it as a user would paste it, with `npx stress` standing for this build's CLI.
    assert.ok(rerun.startsWith('npx stress run '), rerun);
    const again = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" ${rerun.slice('npx stress '.length)}`], {
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' },
    });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`stress run: 1 configuration, seed rerun-impl`));
    assert.match(again.stdout, new RegExp(`PASS\\s+${KEY.replace(/[/.]/g, '\\$&')}: 20 trials`));
  });
});

/**
 * 09: the CI workflow's steps on one machine, as the README's local loop runs
 * them: three shards of `stress run`, each writing JSON lines, then `stress
 * merge` into one console report and one JUnit file. A tiny budget (the
 * workflow gives each shard minutes), so CI can afford it; checks that the
 * JUnit file exists and has a testcase per configuration and invariant.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '../lib/report.js';

// The `stress` command as `npx stress` runs it (its file in this repository's build).
const cli = fileURLToPath(new URL('../../harness/cli/main.js', import.meta.url));
const SHARDS = 3;
const BUDGET = '2s';
const SEED = 'ci-local';
/** For all four commands: under the 90 s that `npm run examples` gives this example. */
const deadline = performance.now() + 75_000;
// A fresh directory for out/, so the printed commands run exactly as shown.
const cwd = mkdtempSync(join(tmpdir(), 'shakedown-09-ci-'));

function stress(args: string[], shownArgs = args): { code: number | null; out: string } {
  console.log(`$ npx stress ${shownArgs.join(' ')}`);
  const limitMs = Math.max(1000, Math.round(deadline - performance.now()));
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: limitMs });
  const out = r.stdout + r.stderr;
  if (r.signal !== null) console.log(`(stopped after ${(limitMs / 1000).toFixed(0)} s: the example's time is up)`);
  return { code: r.status, out };
}

try {
  console.log(`The local loop of the README, ${BUDGET} per shard (the workflow gives each shard minutes):`);
  const files: string[] = [];
  for (let i = 1; i <= SHARDS; i++) {
    const file = `out/stress-${i}.jsonl`;
    files.push(file);
    const shard = stress(['run', '--shard', `${i}/${SHARDS}`, '--time-budget', BUDGET, '--seed', SEED, '--reporter', `jsonl:${file}`]);
    console.log(shard.out.trimEnd());
    // A shard judges its correct variants (they hold: exit 0); canaries are judged by the merge.
    expect(shard.code === 0, `shard ${i}: its correct variants held (exit 0, got ${shard.code})`);
  }
  const merge = stress(['merge', ...files, '--reporter', 'console', '--reporter', 'junit:out/stress.xml'], ['merge', 'out/stress-*.jsonl', '--reporter', 'console', '--reporter', 'junit:out/stress.xml']);
  // The whole console report lists every configuration; its verdict on the canaries and its last line say enough here.
  const canaries = merge.out.match(/^Canaries \(planted bugs the run must catch\):\n(?: {2}.*\n)+/m)?.[0] ?? '';
  console.log(`${canaries}...\n${merge.out.trimEnd().split('\n').at(-1)}`);
  console.log(`merge exit code ${merge.code}: ${merge.code === 0 ? 'every invariant held and every canary was caught' : merge.code === 1 ? `a finding across the merged run${/SURVIVED/.test(canaries) ? ` (with a ${BUDGET} budget a canary can survive)` : ''}` : 'the shards could not be merged'}`);
  expect(merge.code === 0 || merge.code === 1, `stress merge judged the run (exit 0 or 1, got ${merge.code})`);

  let xml = '';
  try {
    xml = readFileSync(join(cwd, 'out/stress.xml'), 'utf8');
  } catch {
    // checked below
  }
  const testcases = xml.match(/<testcase /g)?.length ?? 0;
  const suites = xml.match(/<testsuite name="[^"]*"/g) ?? [];
  const canaryVerdicts = suites.filter((t) => t.endsWith(' [canary]"')).length;
  const failures = /<testsuites [^>]*failures="(\d+)"/.exec(xml)?.[1] ?? '?';
  console.log(`\nout/stress.xml (what the workflow publishes): a testsuite per configuration (${suites.length - canaryVerdicts}) and per canary verdict (${canaryVerdicts}), ${testcases} testcases, ${failures} failed`);
  expect(testcases > 0, 'the merged JUnit file exists and has testcases');
} finally {
  rmSync(cwd, { recursive: true, force: true });
}

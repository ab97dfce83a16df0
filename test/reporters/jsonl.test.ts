/**
 * JSON lines: each configuration is on disk as soon as it ends, so a run
 * killed with SIGKILL keeps everything it finished, and `stress report`
 * turns what is there into any other format.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonlReporter } from '../../reporters/jsonl.js';
import type { RunSummary } from '../../harness/core/grade/results.js';
import type { RunEvent } from '../../harness/core/events.js';
import { memoryContext } from './fixtures/memory-context.js';
import { mixedSummary } from './fixtures/summaries.js';
import { CLI, stress } from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('../harness/fixtures/deterministic.js', import.meta.url));

describe('reporters/jsonl', function () {
  this.timeout(60_000);

  it('appends the header at run-start and each configuration at its config-end, before the run ends', async () => {
    const ctx = memoryContext();
    const s = mixedSummary();
    const r = jsonlReporter('r.jsonl', ctx);
    await r.onEvent?.({ type: 'run-start', seed: s.seed, configs: [], plan: s.configs.map((c) => c.config.key), settings: { timeoutMs: 1000, traceEvents: 48 }, startedAt: s.startedAt });
    const lines = (): string[] => ctx.appended.get('r.jsonl')!.split('\n').filter((l) => l !== '');
    assert.equal(lines().length, 1);
    assert.equal((JSON.parse(lines()[0]!) as { hostname?: string }).hostname, 'test-host', 'the machine, so merged shards keep it');
    await r.onEvent?.({ type: 'config-end', result: s.configs[2]!, index: 0, total: 1 });
    assert.equal(lines().length, 2, 'on disk before finish');
    assert.deepEqual(JSON.parse(lines()[1]!), { kind: 'config', planIndex: 2, result: s.configs[2] });
    await r.finish?.(s);
    assert.deepEqual(JSON.parse(lines()[2]!), { kind: 'end', durationMs: 4321, interrupted: false, exitCode: 3 });
  });

  it('marks a soak run in its header, at each checkpoint and at the end, even one stopped before its first checkpoint', async () => {
    const s: RunSummary = { ...mixedSummary(), soak: { passes: 1, durationMs: 1000, complete: true, rssMb: { first: 1, max: 1, last: 1, byPass: [1] } } };
    const start: RunEvent = { type: 'run-start', seed: s.seed, configs: [], plan: s.configs.map((c) => c.config.key), settings: { timeoutMs: 1000, traceEvents: 48, timeBudgetMs: 500 }, startedAt: s.startedAt };
    const header = (text: string): { soak?: boolean } => JSON.parse(text.split('\n')[0]!) as { soak?: boolean };
    const ctx = memoryContext();
    const r = jsonlReporter('r.jsonl', ctx);
    await r.onEvent?.(start);
    assert.equal(header(ctx.appended.get('r.jsonl')!).soak, undefined);
    await r.onEvent?.({ type: 'checkpoint', summary: s });
    assert.equal(header(ctx.files.get('r.jsonl')!).soak, true);
    for (const [index, result] of s.configs.entries()) await r.onEvent?.({ type: 'config-end', result, index, total: s.configs.length });
    await r.finish?.(s);
    const text = ctx.files.get('r.jsonl')!;
    assert.equal(header(text).soak, true);
    assert.equal(text.trim().split('\n').length, s.configs.length + 2, 'header, configurations, end');
    // Stopped before any pass ended: no checkpoint, lines appended; rewritten whole at the end, marked.
    const early = memoryContext();
    const e = jsonlReporter('e.jsonl', early);
    await e.onEvent?.(start);
    for (const [index, result] of s.configs.entries()) await e.onEvent?.({ type: 'config-end', result, index, total: s.configs.length });
    await e.finish?.(s);
    assert.equal(header(early.files.get('e.jsonl')!).soak, true);
    assert.equal(early.files.get('e.jsonl')!.trim().split('\n').length, s.configs.length + 2);
  });

  it('keeps every finished configuration of a run killed with SIGKILL; stress report renders them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonl-'));
    const file = join(dir, 'r.jsonl');
    // 24 configurations of 300 trials: several seconds of work, killed after the first two are on disk.
    const child = spawn(process.execPath, [CLI, 'run', FIXTURE, '--threads', '1,2,3,4', '--jitter', 'none,spin-1us', '--runs', '300', '--timeout', '5s', '--seed', 'kill', '--reporter', `jsonl:${file}`], {
      stdio: 'ignore',
      env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 45_000;
    while ((existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0) < 3) {
      assert.ok(Date.now() < deadline, 'two configurations finished within 45 s');
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    await exited;
    const text = readFileSync(file, 'utf8');
    const complete = text.split('\n').filter((l) => l !== '');
    const configLines = complete.filter((l) => l.startsWith('{"kind":"config"')).length;
    assert.ok(configLines >= 2 && configLines < 24, `${configLines} configurations on disk`);
    assert.ok(!complete.some((l) => l.startsWith('{"kind":"end"')), 'killed before the end record');

    const out = join(dir, 'summary.json');
    const r = stress(['report', file, '--reporter', `json:${out}`, '--reporter', `junit:${join(dir, 'r.xml')}`]);
    assert.equal(r.code, 130, `interrupted run: ${r.err}`);
    assert.match(r.err, /the run did not finish \(killed\?\); it holds \d+ finished configurations/);
    const summary = JSON.parse(readFileSync(out, 'utf8')) as RunSummary;
    assert.equal(summary.configs.length, configLines - (text.endsWith('\n') ? 0 : 1));
    assert.equal(summary.interrupted, true);
    assert.match(readFileSync(join(dir, 'r.xml'), 'utf8'), /<testsuite name="deterministic\//);
  });

  it('rejects a file that is not a results file, with exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonl-'));
    const r = stress(['report', join(dir, 'missing.jsonl')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read results file \(ENOENT\) \[ERR_RESULTS_FILE\]/);
  });
});

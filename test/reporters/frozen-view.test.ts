/**
 * Reporters are handed copies: built-ins share one deep-frozen copy per event, so every built-in
 * must read its events without writing to them (a write throws in a module, which is strict).
 */
import assert from 'node:assert/strict';
import { copyForReporter } from '../../harness/cli/reporter-view.js';
import { type LiveReporter, dispatch, finishAll } from '../../harness/cli/reporters.js';
import type { RunEvent } from '../../harness/core/events.js';
import type { Reporter } from '../../reporters/reporter.js';
import { consoleReporter } from '../../reporters/console-reporter.js';
import { jsonReporter } from '../../reporters/json.js';
import { jsonlReporter } from '../../reporters/jsonl.js';
import { junitReporter } from '../../reporters/junit/junit-reporter.js';
import { htmlReporter } from '../../reporters/html/html-reporter.js';
import { markdownReporter } from '../../reporters/markdown-reporter.js';
import { githubSummaryReporter } from '../../reporters/github-summary.js';
import { memoryContext } from './fixtures/memory-context.js';
import { mixedSummary } from './fixtures/summaries.js';

const isDeepFrozen = (v: unknown, seen = new Set<unknown>()): boolean => {
  if (typeof v !== 'object' || v === null || seen.has(v)) return true;
  seen.add(v);
  return Object.isFrozen(v) && Object.values(v).every((x) => isDeepFrozen(x, seen));
};

describe('reporters: the views they are handed', () => {
  it('copyForReporter copies deeply (cycles kept), freezes the copy when asked, and never touches the original', () => {
    const original = { a: [{ b: 1 }], m: new Map([['k', { v: 1 }]]), self: undefined as unknown };
    original.self = original;
    const frozen = copyForReporter(original, true);
    assert.ok(Object.isFrozen(frozen) && isDeepFrozen(frozen.a));
    assert.equal(frozen.self, frozen, 'a cycle stays a cycle, in the copy');
    assert.notEqual(frozen.a, original.a);
    assert.notEqual(frozen.m, original.m, 'a Map is cloned, not shared');
    assert.throws(() => {
      (frozen.a[0] as { b: number }).b = 2;
    }, TypeError);
    const mine = copyForReporter(original, false);
    mine.a[0]!.b = 2;
    mine.m.set('k', { v: 2 });
    assert.equal(original.a[0]!.b, 1);
    assert.equal(original.m.get('k')!.v, 1);
    assert.ok(!Object.isFrozen(original) && !Object.isFrozen(original.a));
  });

  it('every built-in reporter reads a frozen run without writing to it', async () => {
    const s = mixedSummary();
    const ctx = memoryContext({}, { GITHUB_STEP_SUMMARY: '/tmp/summary.md' });
    const built: Array<[string, Reporter]> = [
      ['console', consoleReporter(undefined, ctx)],
      ['json', jsonReporter('o.json', ctx)],
      ['jsonl', jsonlReporter('o.jsonl', ctx)],
      ['junit', junitReporter('o.xml', ctx)],
      ['html', htmlReporter('o.html', ctx)],
      ['markdown', markdownReporter(undefined, ctx)],
      ['github step summary', githubSummaryReporter(undefined, ctx)],
    ];
    const live: LiveReporter[] = built.map(([name, reporter]) => ({ name, reporter, builtin: true, timeoutMs: 30_000, failed: false }));
    const events: RunEvent[] = [
      { type: 'run-start', seed: s.seed, configs: s.configs.map((r) => r.config), plan: s.configs.map((r) => r.config.key), settings: { timeoutMs: 1000, traceEvents: 48, runs: 100 }, startedAt: s.startedAt },
      ...s.configs.flatMap((result, index): RunEvent[] => [
        { type: 'config-start', config: result.config, index, total: s.configs.length },
        { type: 'progress', config: result.config, trials: result.trials, elapsedMs: 10, totalTrials: result.trials, totalFailures: result.failedTrials, configsLeft: s.configs.length - index },
        { type: 'config-end', result, index, total: s.configs.length },
      ]),
      { type: 'run-end', summary: s },
    ];
    const before = JSON.stringify(s);
    for (const e of events) await dispatch(live, e);
    await finishAll(live, s);
    assert.deepEqual(live.filter((r) => r.failed).map((r) => `${r.name}: ${String(r.error)}`), []);
    assert.equal(JSON.stringify(s), before, 'the run summary is unchanged');
    assert.ok(!Object.isFrozen(s.configs[0]), 'the run keeps its own objects mutable');
    assert.ok(ctx.files.get('o.xml')!.includes('<testsuites'), 'the reporters did write');
  });
});

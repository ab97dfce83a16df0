/**
 * What the console reporter says, word for word where it matters: the
 * progress line (percentages, separators, singulars, 0-column terminals),
 * the outcome histogram, a --fail-fast stop, an errored canary, and skipped
 * configurations in the summary table.
 */
import assert from 'node:assert/strict';
import { consoleReporter } from '../../reporters/console-reporter.js';
import { formatConfigLine, formatEvent, formatOutcomes, formatSummary } from '../../reporters/console.js';
import { summaryTableText } from '../../reporters/summary-table.js';
import { exitCodeFor } from '../../harness/core/grade/verdict.js';
import type { ConfigResult, RunSummary } from '../../harness/core/grade/results.js';
import type { RunEvent } from '../../harness/core/events.js';
import { memoryContext } from './fixtures/memory-context.js';
import { mixedSummary } from './fixtures/summaries.js';

function progress(totalTrials: number, totalFailures: number, configsLeft: number): Extract<RunEvent, { type: 'progress' }> {
  const config = mixedSummary().configs[0]!.config;
  return { type: 'progress', config, trials: totalTrials, elapsedMs: 12_000, totalTrials, totalFailures, configsLeft };
}

/** The summary with only the configurations of one suite/variant (and the run's other fields). */
function only(s: RunSummary, variant: string): RunSummary {
  return { ...s, configs: s.configs.filter((r) => r.config.variant === variant) };
}

/** A canary configuration whose actor threw in every trial. */
function erroredCanary(): ConfigResult {
  const caught = mixedSummary().configs.find((r) => r.canaryVerdict === 'caught')!;
  const config = { ...caught.config, suite: 'throws', variant: 'planted', key: 'throws/planted/t2/c-all/j-none' };
  const { firstDetection: _unused, ...rest } = caught;
  return {
    ...rest,
    config,
    status: 'error',
    canaryVerdict: 'survived',
    trials: 20,
    failedTrials: 0,
    invariants: [],
    errors: { count: 20, samples: [{ trial: 0, thread: 1, name: 'TypeError', message: 'planted failure', replay: 'x' }] },
  };
}

describe('reporters/console wording', () => {
  it('prints 100% as 100%, never in exponent form, and small rates with two significant digits', () => {
    assert.match(formatEvent(progress(48_000, 48_000, 2))!, /48,000 failures \(100%\)/);
    assert.match(formatEvent(progress(48_000, 3, 2))!, /^12s: 48,000 trials, 3 failures \(0\.0063%\), 2 configs left$/);
    assert.match(formatEvent(progress(10, 0, 2))!, /0 failures \(0\.0%\)/);
    assert.match(formatEvent(progress(1e9, 1, 2))!, /1 failure \(0\.00000010%\)/);
  });

  it('separates thousands in the failure count and agrees in number ("1 config left")', () => {
    assert.match(formatEvent(progress(1_000_000, 12_345, 0))!, /1,000,000 trials, 12,345 failures \(1\.2%\), 0 configs left/);
    assert.match(formatEvent(progress(1, 1, 1))!, /1 trial, 1 failure \(100%\), 1 config left$/);
  });

  it('says "1 configuration" in the run header and the summary', () => {
    const s = only(mixedSummary(), 'racy');
    const start = formatEvent({ type: 'run-start', seed: 's', configs: s.configs.map((r) => r.config), plan: [s.configs[0]!.config.key], settings: { timeoutMs: 1000, traceEvents: 48 }, startedAt: s.startedAt })!;
    assert.match(start, /^stress run: 1 configuration, seed s/);
    assert.match(formatSummary(s), /^1 configuration, 100 trials in/m);
  });

  it('states the least testing time each configuration gets from a time budget', () => {
    const s = only(mixedSummary(), 'racy');
    const base = { type: 'run-start' as const, seed: 's', configs: s.configs.map((r) => r.config), plan: [s.configs[0]!.config.key], settings: { timeoutMs: 1000, traceEvents: 48, timeBudgetMs: 60_000 }, startedAt: s.startedAt };
    assert.match(formatEvent({ ...base, minShareMs: 60_000 / 46 })!, /^stress run: 1 configuration, at least 1\.30 s of testing each, seed s/);
    assert.match(formatEvent({ ...base, minShareMs: 5000 / 24 })!, /, at least 208 ms of testing each,/);
  });

  it('on a terminal that reports 0 columns, draws the live line as if 80 wide instead of cutting it', async () => {
    const short = progress(48_000, 3, 2);
    // 1e18 trials: a line longer than 80 columns.
    const long = progress(1e18, 3e16, 2);
    for (const columns of [0, undefined]) {
      for (const event of [short, long]) {
        const ctx = memoryContext();
        ctx.out = { write: (t) => void ctx.stdout.push(t), isTTY: true, columns };
        await consoleReporter(undefined, ctx).onEvent?.(event);
        const full = formatEvent(event)!;
        assert.equal(ctx.stdout.join(''), full.slice(0, 79), `columns ${String(columns)}`);
      }
    }
    assert.ok(formatEvent(long)!.length > 80);
  });

  it('shows the outcome histogram of configurations that saw an interesting or forbidden outcome, and only those', () => {
    const s = mixedSummary();
    const text = formatSummary(s);
    assert.match(text, /^Outcomes \(configurations that saw interesting or forbidden outcomes\):\n {2}counter\/locked\/t2\/c-all\/j-none\n {4}outcomes: 97 "all updates kept" acceptable \(97\.0%\), 3 "lost 1 <script>.*\\x01 \\x1b\[31m" forbidden \(3\.0%\)$/m);
    // All acceptable: nothing to look at, no section.
    s.configs[0]!.outcomes = [{ outcome: 'all updates kept', count: 100, grade: 'acceptable', description: 'fine' }];
    assert.doesNotMatch(formatSummary(s), /outcomes:/);
  });

  it('shows at most five outcomes, the interesting and forbidden ones even when rare, with thousands separators', () => {
    const r = mixedSummary().configs[0]!;
    r.outcomes = [
      ...[5000, 900, 800, 700, 600, 500].map((count, i) => ({ outcome: `fine ${i}`, count, grade: 'acceptable' as const, description: '' })),
      { outcome: 'odd', count: 2, grade: 'interesting', description: '' },
      { outcome: 'lost 1 of 2', count: 1, grade: 'forbidden', description: '' },
    ];
    assert.equal(
      formatOutcomes(r),
      'outcomes: 5,000 "fine 0" acceptable (58.8%), 900 "fine 1" acceptable (10.6%), 800 "fine 2" acceptable (9.4%), 2 "odd" interesting (<0.1%), 1 "lost 1 of 2" forbidden (<0.1%), and 3 other outcomes',
    );
  });

  it('says when --fail-fast stopped the run and how many configurations did not run', () => {
    const s = { ...mixedSummary(), stoppedEarly: { reason: '--fail-fast after counter/racy/t2/c-all/j-spin-1us', notRun: 6 } };
    assert.match(formatSummary(s), /^stopped by --fail-fast after counter\/racy\/t2\/c-all\/j-spin-1us: 6 configurations not run\n.*exit code 3$/m);
    assert.doesNotMatch(formatSummary(mixedSummary()), /stopped by/);
  });

  it('says a canary whose every trial errored could not be judged (not "not sensitive enough"), and exits 3', () => {
    const r = erroredCanary();
    const s: RunSummary = { ...mixedSummary(), configs: [r], exitCode: 0 };
    const text = formatSummary(s);
    assert.match(text, /^ {2}ERROR {5}throws\/planted: every trial errored \(TypeError: planted failure\), the canary could not be judged$/m);
    assert.doesNotMatch(text, /not sensitive enough|SURVIVED/);
    assert.match(formatConfigLine(r), /^ {2}ERROR {4}throws\/planted\/t2\/c-all\/j-none \[canary\]: 20 trials/);
    assert.equal(exitCodeFor(s), 3);
    // An error in some trials only is not "could not be judged": the canary survived the others.
    r.errors.count = 5;
    assert.equal(exitCodeFor(s), 1);
    assert.match(formatSummary(s), /SURVIVED {2}throws\/planted: not caught in 20 trials; not sensitive enough/);
  });

  it('shows skipped configurations apart in the summary table\'s configs column', () => {
    const table = summaryTableText(mixedSummary()).join('\n');
    // counter/locked ran on all cores and was skipped on one (no CPU affinity).
    assert.match(table, /^ {2}counter\/locked +pass +2 \(1 skipped\) +100 +0 /m);
    assert.match(table, /^ {2}counter\/racy +flaky +1 +100 +7 /m);
  });
});

/**
 * The status line's ETA with --runs (issue: `stress run counter producer-consumer --runs 400` said
 * "about 1s to go" 6 s before the end, because the hanging canaries came last and an average over
 * the fast configurations before them said nothing about them). Synthetic runs, no clock: each
 * configuration still to run is timed by finished ones of its own variant, hangs included, and
 * while a variant still to run has not finished one the ETA is a lower bound, said as "more than".
 */
import assert from 'node:assert/strict';
import type { ConfigResult, Configuration } from '../../harness/core/grade/results.js';
import type { RunEvent } from '../../harness/core/events.js';
import type { RunSettings } from '../../harness/core/settings/run-options.js';
import { RunEta } from '../../reporters/eta.js';
import { consoleReporter } from '../../reporters/console-reporter.js';
import { memoryContext } from './fixtures/memory-context.js';

const RUNS: RunSettings = { runs: 400, timeoutMs: 1000, traceEvents: 48 };

function config(variant: string, threads: number, canary = false): Configuration {
  return { key: `pc/${variant}/t${threads}/c-all/j-none`, suite: 'pc', suiteUrl: 'file:///tmp/pc.js', variant, canary, threads, cores: 'all', jitter: 'none', params: {}, seed: 's' };
}

function result(c: Configuration, durationMs: number, hangs = 0): ConfigResult {
  return { config: c, status: hangs > 0 ? 'hang' : 'pass', trials: hangs > 0 ? hangs : 400, failedTrials: hangs, invariants: [], outcomes: [], hangs: { count: hangs, samples: [] }, errors: { count: 0, samples: [] }, durationMs };
}

/** Two fast correct variants, then a canary whose trials hang: each of its configurations waits out three 1 s timeouts. */
const FAST = [config('close', 2), config('close', 4)];
const DRAIN = [config('drain', 2), config('drain', 4)];
const RACE = [config('race', 2, true), config('race', 4, true), config('race', 8, true)];
const PLAN = [...FAST, ...DRAIN, ...RACE];

describe('reporters/eta: time to go', () => {
  it('a time-budgeted run: the budget left, or what the configurations left are owed when more (their shares, after hangs ate the budget); a soak: its duration left', () => {
    const budget = (ms: number): RunSettings => ({ timeoutMs: 1, traceEvents: 1, timeBudgetMs: ms });
    // 7 configurations, 7 s: 1 s each. Two done on time, 4 s in: the budget left (3 s) is less than
    // the five owed (5 s, the running one 1 s into its share: 4 s).
    const onTime = new RunEta(budget(7_000), PLAN);
    onTime.ended(result(PLAN[0]!, 1_000), 1_000);
    onTime.ended(result(PLAN[1]!, 1_000), 2_000);
    assert.equal(onTime.toGoMs(3_000), 4_000);
    // Hangs made the first two take 5 s each: 10 s in, the budget is spent, five configurations are owed 1 s each.
    const late = new RunEta(budget(7_000), PLAN);
    late.ended(result(PLAN[0]!, 5_000, 3), 5_000);
    late.ended(result(PLAN[1]!, 5_000, 3), 10_000);
    const left = late.toGoMs(10_000)!;
    assert.ok(left >= 4_500, `not "about 0s": five configurations are still owed their shares (${left} ms)`);
    const done = new RunEta(budget(7_000), PLAN);
    PLAN.forEach((c, i) => done.ended(result(c, 1_000), (i + 1) * 1_000));
    assert.equal(done.toGoMs(8_000), 0);
    assert.equal(new RunEta({ timeoutMs: 1, traceEvents: 1, durationMs: 3_600_000 }, PLAN).toGoMs(3_700_000), 0);
  });

  it('--runs: a lower bound under a second is no estimate ("ETA unknown", not "more than 0s")', () => {
    const eta = new RunEta(RUNS, PLAN);
    eta.ended(result(FAST[0]!, 10), 10);
    eta.ended(result(FAST[1]!, 10), 20);
    assert.equal(eta.toGo(20), undefined, 'five configurations left at the quickest pace (10 ms each): 50 ms says nothing');
  });

  it('--runs: unknown before anything finished; alike configurations at the pace so far', () => {
    const eta = new RunEta(RUNS, [...FAST, config('close', 8), config('close', 16)]);
    assert.equal(eta.toGoMs(1_000), undefined);
    eta.ended(result(FAST[0]!, 2_000), 2_000);
    eta.ended(result(FAST[1]!, 2_000), 4_000);
    assert.equal(eta.toGoMs(4_000), 4_000, 'two more of 2 s each');
    assert.equal(eta.toGoMs(5_000), 3_000, 'a second into the third: it has 1 s left');
    assert.equal(eta.toGoMs(9_000), 2_000, 'the third overran: the fourth is still ahead');
  });

  it('--runs: unknown while a variant still to run has not finished a configuration, then its hangs count', () => {
    const eta = new RunEta(RUNS, PLAN);
    eta.ended(result(FAST[0]!, 200), 200);
    eta.ended(result(FAST[1]!, 200), 400);
    eta.ended(result(DRAIN[0]!, 500), 900);
    eta.ended(result(DRAIN[1]!, 500), 1_400);
    // An average of the four finished (0.35 s each) would say about 1 s for the three canary configurations: they take 12 s.
    // Not timed yet: a lower bound at the quickest variant's pace (0.2 s each), said as one.
    assert.equal(eta.toGoMs(1_400), undefined);
    assert.equal(eta.toGo(1_400), undefined, 'a bound of 0.6 s says nothing');
    eta.ended(result(RACE[0]!, 4_000, 3), 5_400);
    const left = eta.toGoMs(5_400)!;
    assert.ok(left >= 8_000 && left <= 8_500, `two more hanging configurations of 4 s each: ${left}`);
  });

  it('--jobs: configurations side by side take less wall time than their sum', () => {
    const plan = [config('close', 2), config('close', 4), config('close', 8), config('close', 16)];
    const eta = new RunEta({ ...RUNS, jobs: 2 }, plan);
    eta.ended(result(plan[0]!, 4_000), 4_000);
    eta.ended(result(plan[1]!, 4_000), 4_000);
    assert.equal(eta.toGoMs(4_000), 4_000, 'two more of 4 s, two at a time');
  });

  it('the console status line says "more than" rather than "about" a number from the fast configurations', () => {
    const ctx = memoryContext();
    // A terminal: every progress event redraws the status line (no 5 s throttle).
    const reporter = consoleReporter(undefined, { ...ctx, out: { ...ctx.out, isTTY: true } });
    const send = (e: RunEvent): void => void reporter.onEvent!(e);
    send({ type: 'run-start', seed: 's', configs: PLAN, plan: PLAN.map((c) => c.key), settings: RUNS, startedAt: '2024-05-01T12:00:00Z' });
    let elapsed = 0;
    let totalTrials = 0;
    const lines: string[] = [];
    PLAN.forEach((c, index) => {
      // As run.ts sends them: progress halfway through a configuration (it counts itself as left), at its end, then its end.
      const r = result(c, c.canary ? 4_000 : 600, c.canary ? 3 : 0);
      send({ type: 'progress', config: c, trials: 0, elapsedMs: elapsed + r.durationMs / 2, totalTrials, totalFailures: 0, configsLeft: PLAN.length - index });
      lines.push(ctx.stdout.filter((t) => / configs? left/.test(t)).pop()!);
      elapsed += r.durationMs;
      totalTrials += r.trials;
      send({ type: 'progress', config: c, trials: r.trials, elapsedMs: elapsed, totalTrials, totalFailures: 0, configsLeft: PLAN.length - index - 1 });
      send({ type: 'config-end', result: r, index, total: PLAN.length });
    });
    // Before: "about 2s to go" 2 s into the first canary configuration (an average over the fast four), with 10 s to go.
    assert.match(lines[0]!, /, ETA unknown$/, 'nothing finished yet');
    // A lower bound from the fast ones (3 x 0.6 s, the running one 0.6 s in at most): "more than 1s", never "about".
    assert.match(lines[4]!, /^\d+s: 1,600 trials, 0 failures \(0\.0%\), 3 configs left, more than [1-9]\d*s to go$/, lines.join('\n'));
    // Halfway through the second and third canary configurations: what is left of it, and the one
    // after (6 s, then 2 s). The reporter times a configuration's end on its own clock, so a stall of
    // this test between two events can only add to the estimate: bounds, not exact seconds.
    const seconds = (line: string, left: string): number => Number(new RegExp(`, ${left} left, about (\\d+)s to go$`).exec(line)?.[1] ?? NaN);
    const second = seconds(lines[5]!, '2 configs');
    const third = seconds(lines[6]!, '1 config');
    assert.ok(second >= 6 && second <= 30, lines.join('\n'));
    assert.ok(third >= 2 && third <= 30, lines.join('\n'));
  });
});

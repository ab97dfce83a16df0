/**
 * Explaining controlled failures (explain.ts): the failing trial rerun with logging, its switch
 * list shrunk, the shrunk interleaving shown with named words, its token replayed with the same
 * interleaving; and replay telling a stale token. Real workers; detection budgets count trials.
 */
import assert from 'node:assert/strict';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { executeConfiguration } from '../../harness/core/execute/executor.js';
import type { ExecuteOptions } from '../../harness/core/execute/execute-options.js';
import type { Explanation } from '../../harness/core/execute/explain.js';
import { WorkerGroups } from '../../harness/core/execute/pools.js';
import { loadSuite } from '../../harness/core/plan/load-suite.js';
import type { ConfigResult, Configuration, FailureSample } from '../../harness/core/grade/results.js';
import { DEADLOCK_INVARIANT } from '../../harness/core/grade/grade.js';
import { replay } from '../../harness/core/replay.js';
import { replayReport } from '../../reporters/failure-text.js';
import { type Switch, shrinkSwitches } from '../../harness/core/schedule/shrink.js';
import type { ScheduleName } from '../../harness/core/schedule/types.js';

const fixtureUrl = (name: string): string => pathToFileURL(fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url))).href;
const counterUrl = pathToFileURL(fileURLToPath(new URL('../../suites/counter.js', import.meta.url))).href;

function locksConfig(variant: string, schedule: Exclude<ScheduleName, 'free'>, seed: string): Configuration {
  return {
    key: `locks/${variant}/t2/c-all/j-none/s-${schedule}`,
    suite: 'sched-locks',
    suiteUrl: fixtureUrl('locks'),
    variant,
    canary: true,
    threads: 2,
    cores: 'all',
    jitter: 'none',
    params: { acquisitions: 2 },
    seed,
    schedule,
  };
}

describe('shrinkSwitches (pure)', () => {
  it('drops every switch the failure does not need, pairs included, and stops when the reruns run out', async () => {
    const start: Switch[] = [[0, 1], [2, 0], [3, 1], [5, 0], [7, 1], [9, 0], [12, 1]];
    // Fails only with [3,1] and [9,0], and only if [5,0] and [7,1] are both present or both absent.
    const fails = (l: Switch[]): boolean => {
      const has = (s: number, t: number): boolean => l.some(([a, b]) => a === s && b === t);
      return has(3, 1) && has(9, 0) && has(5, 0) === has(7, 1);
    };
    let reruns = 0;
    const shrunk = await shrinkSwitches(start, { preemptions: 7, steps: 20 }, (l) => {
      reruns++;
      return Promise.resolve({ fails: fails(l), preemptions: l.length, steps: 20 });
    });
    assert.deepEqual(shrunk.switches, [[3, 1], [9, 0]]);
    assert.equal(shrunk.reruns, reruns);
    assert.equal(shrunk.exhausted, false);
    let left = 4;
    const bounded = await shrinkSwitches(start, { preemptions: 7, steps: 20 }, (l) => Promise.resolve(left-- > 0 ? { fails: fails(l), preemptions: l.length, steps: 20 } : null));
    assert.equal(bounded.reruns, 4);
    assert.equal(bounded.exhausted, true);
    assert.ok(fails(bounded.switches));
  });
});

describe('shrinkSwitches on long lists (pure)', () => {
  it('shrinks 700 switches, 2 of which matter, to those 2 in far fewer reruns than one per switch (chunks first)', async () => {
    const start: Switch[] = Array.from({ length: 700 }, (_, i): Switch => [3 * i + 1, i % 2]);
    const needed: Switch[] = [start[123]!, start[456]!];
    const fails = (l: Switch[]): boolean => needed.every(([s, t]) => l.some(([a, b]) => a === s && b === t));
    const shrunk = await shrinkSwitches(start, { preemptions: 700, steps: 2100 }, (l) => Promise.resolve({ fails: fails(l), preemptions: l.length, steps: 2100 }));
    assert.deepEqual(shrunk.switches, needed);
    assert.ok(shrunk.reruns < 150, `${shrunk.reruns} reruns`);
  });

  it('tries the empty list (the non-preemptive schedule) first', async () => {
    const tried: number[] = [];
    const shrunk = await shrinkSwitches([[1, 1], [4, 0], [9, 1]], { preemptions: 3, steps: 12 }, (l) => {
      tried.push(l.length);
      return Promise.resolve({ fails: true, preemptions: l.length, steps: 12 });
    });
    assert.deepEqual(shrunk.switches, []);
    assert.deepEqual(tried, [0]);
  });
});

describe('explaining controlled failures (real workers)', function () {
  this.timeout(300_000);
  const groups = new WorkerGroups();
  after(() => groups.close());

  async function execute(config: Configuration, options: Partial<ExecuteOptions> & { budget: ExecuteOptions['budget'] }): Promise<{ result: ConfigResult; explained: Explanation[] }> {
    const suite = await loadSuite(config.suiteUrl);
    const explained: Explanation[] = [];
    const result = await executeConfiguration(suite, config, { timeoutMs: 1000, traceEvents: 16, groups, onExplained: (e) => explained.push(e), ...options });
    return { result, explained };
  }

  function firstSample(result: ConfigResult, invariant: string): FailureSample {
    const inv = result.invariants.find((i) => i.name === invariant)!;
    assert.ok(inv.failures > 0, `${invariant} failed`);
    return inv.samples[0]!;
  }

  async function replaysExactly(sample: FailureSample): Promise<void> {
    const r = await replay(sample.replay, { runs: 100 });
    assert.equal(r.failedTrials, 100);
    assert.deepEqual(r.interleaving, { expected: sample.schedule!.hash, runs: 100, identical: 100 });
    assert.match(replayReport(r, { until: false, trace: false, untilCap: 1 }), /identical interleaving in 100 of 100 runs \(h=[0-9a-f]{8}\)/);
  }

  it('shrinks a check-then-set failure to a few switches, shows its interleaving with named words, and its token replays it 100/100', async () => {
    // Measured: 31% of random-walk schedules break mutual exclusion; 60 trials miss with probability < 1e-9.
    const { result, explained } = await execute(locksConfig('check-then-set', 'random', 'explain-1'), { budget: { runs: 60 } });
    const sample = firstSample(result, 'mutual exclusion');
    const e = explained.find((x) => x.invariant === 'mutual exclusion')!;
    console.log(`      check-then-set: switches ${e.switchesBefore} -> ${e.switchesAfter}, preemptions ${e.preemptionsBefore} -> ${e.preemptionsAfter}, ${e.reruns} reruns, ${e.ms} ms`);
    assert.equal(e.outcome, 'shrunk');
    const s = sample.schedule!;
    assert.equal(s.spec.kind, 'switches');
    const switches = s.spec.kind === 'switches' ? s.spec.switches.length : Infinity;
    assert.equal(switches, e.switchesAfter);
    // Measured on 8 seeds: 14-19 switches shrink to 2-8.
    assert.ok(switches <= e.switchesBefore! && switches <= 10, `${switches} switches`);
    assert.ok(s.steps.length > 10 && s.totalSteps === s.steps.length);
    assert.ok(s.steps.some((x) => x.op === 'load' && x.word === 'word[0]' && x.label === 'acquire()'));
    assert.ok(s.steps.some((x) => x.op === 'add' && x.word === 'board[1]'), 'the overlap is recorded in the interleaving');
    assert.ok(e.reruns > 1 && e.reruns <= 400);
    await replaysExactly(sample);
  });

  it('explains the counter canary under ctl with one switch, and its token replays it 100/100', async () => {
    // Measured: 41.7% of ctl trials lose an update (125 of 300); 40 trials miss with probability < 1e-9.
    const config: Configuration = { key: 'counter/unlocked/t2/c-all/j-none/s-ctl', suite: 'counter', suiteUrl: counterUrl, variant: 'unlocked', canary: true, threads: 2, cores: 'all', jitter: 'none', params: { increments: 1 }, seed: 'explain-2', schedule: 'ctl' };
    const { result, explained } = await execute(config, { budget: { runs: 40 } });
    const sample = firstSample(result, 'no lost update');
    const e = explained.find((x) => x.invariant === 'no lost update')!;
    console.log(`      counter: switches ${e.switchesBefore} -> ${e.switchesAfter}, ${e.reruns} reruns, ${e.ms} ms`);
    const s = sample.schedule!;
    assert.ok(s.spec.kind === 'switches' && s.spec.switches.length <= e.switchesBefore! && s.spec.switches.length === 1, JSON.stringify(s.spec));
    assert.ok(s.steps.length > 0);
    await replaysExactly(sample);
  });

  it('explains a lost wakeup (release without notify) with the blocked wait in its interleaving', async () => {
    // Measured: about half of ctl schedules end with a waiter asleep for good; 40 trials miss with probability < 1e-12.
    const { result, explained } = await execute(locksConfig('no-notify', 'ctl', 'explain-3'), { budget: { runs: 40 } });
    const sample = firstSample(result, DEADLOCK_INVARIANT);
    const e = explained.find((x) => x.invariant === DEADLOCK_INVARIANT)!;
    console.log(`      no-notify: switches ${e.switchesBefore} -> ${e.switchesAfter}, ${e.reruns} reruns, ${e.ms} ms`);
    assert.match(sample.details, /t[01] in acquire\(\) on Atomics\.wait\(word\[0\], expected 2\)/);
    const waits = sample.schedule!.steps.filter((x) => x.op === 'wait' && x.word === 'word[0]' && x.value === 'blocks (expected 2)');
    assert.ok(waits.length >= 1, JSON.stringify(sample.schedule!.steps.slice(-6)));
    await replaysExactly(sample);
  });

  it('stays within its rerun bound', async () => {
    const { result, explained } = await execute(locksConfig('check-then-set', 'random', 'explain-1'), { budget: { runs: 60 }, explainLimits: { maxReruns: 5 } });
    const e = explained.find((x) => x.invariant === 'mutual exclusion')!;
    assert.ok(e.reruns <= 5, `${e.reruns} reruns`);
    assert.ok(firstSample(result, 'mutual exclusion').schedule!.steps.length > 0, 'still shown with its interleaving');
    const off = await execute(locksConfig('check-then-set', 'random', 'explain-1'), { budget: { runs: 60 }, explainLimits: { maxReruns: 0 } });
    assert.equal(off.explained.length, 0);
  });

  it('reports a token whose interleaving hash no longer matches as a schedule that no longer fits', async () => {
    const { result } = await execute(locksConfig('check-then-set', 'random', 'explain-1'), { budget: { runs: 60 } });
    const token = JSON.parse(Buffer.from(firstSample(result, 'mutual exclusion').replay, 'base64url').toString()) as { h: string };
    token.h = token.h === '00000000' ? '11111111' : '00000000';
    const stale = await replay(Buffer.from(JSON.stringify(token)).toString('base64url'), { runs: 10 });
    assert.equal(stale.interleaving!.identical, 0);
    assert.match(replayReport(stale, { until: false, trace: false, untilCap: 1 }), /this schedule no longer fits the code \(.*\): identical interleaving in 0 of 10 runs/);
  });
});

/**
 * --jobs: trial groups side by side (harness/core/parallel). The merged result of a configuration
 * run as copies on disjoint trial ranges must equal a serial run with the same --runs (checked on
 * a fixture whose failures depend on the trial index alone), a group whose process dies is an
 * error of its configuration only, --fail-fast stops the rest, and the lane plan never hands out
 * more cores than the machine has (shown for a 64-core machine without needing one).
 */
import type { RunOptions } from '../../harness/core/settings/run-options.js';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { run } from '../../harness/core/run.js';
import { plan } from '../../harness/core/plan/plan.js';
import { hasAffinity } from '../../harness/core/execute/pinned.js';
import { CpuPool, GROUP_FLOOR_CORES, type LaneItem, copiesOf, copySlice, coresNeeded, laneLayout, runCpus } from '../../harness/core/parallel/lane-plan.js';
import { type ParallelPass, runParallel } from '../../harness/core/parallel/parallel-run.js';
import { newSearchState } from '../../harness/core/controlled-search.js';
import { WorkerGroups } from '../../harness/core/execute/pools.js';
import { parseJobs } from '../../harness/core/settings/parse.js';
import { HarnessError } from '../../harness/core/shared/errors.js';
import type { ConfigResult, RunSummary } from '../../harness/core/grade/results.js';
import type { RunEvent } from '../../harness/core/events.js';
import type { PlannedWork } from '../../harness/core/run-configuration.js';
import { SLICE_TRIAL_SPAN } from '../../harness/core/plan/shard.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stress } from '../helpers/cli.js';

/** This process's child processes running a group (pinned-child.js). */
function groupChildren(): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8', timeout: 5000 })
      .split('\n')
      .filter((l) => l.includes('pinned-child'));
  } catch {
    return [];
  }
}

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));
const DETERMINISTIC = fixture('deterministic');

async function drain<T>(gen: AsyncGenerator<RunEvent, T>, events: RunEvent[] = []): Promise<T> {
  for (;;) {
    const next = await gen.next();
    if (next.done === true) return next.value;
    events.push(next.value);
  }
}

/** A pass over `items` with two groups of one core each at most: on this 2-core machine, really side by side. */
async function sideBySide(items: PlannedWork[], extra: Partial<ParallelPass> = {}, events: RunEvent[] = []): Promise<Array<ConfigResult | undefined>> {
  const groups = new WorkerGroups();
  try {
    const options: ParallelPass = {
        items,
        lanes: { jobs: 2, cpus: [0, 1], affinity: hasAffinity() && runCpus().length >= 2, floorCores: 1 },
        one: { timeoutMs: 2000, traceEvents: 16, budget: {}, groups, controlledSearch: newSearchState() },
        budgetOf: () => ({ runs: 4000 }),
        runs: 4000,
        failFast: false,
        announce: true,
        t0: performance.now(),
        trialsBefore: 0,
        failuresBefore: 0,
        ...extra,
      };
    // A time-budgeted pass: no --runs to split.
    if ('runs' in extra && extra.runs === undefined) delete options.runs;
    const pass = await drain(runParallel(options), events);
    return pass.results;
  } finally {
    await groups.close();
  }
}

/** What must not depend on where trials ran: counts, failures per invariant, outcomes, first samples' trials. */
function essence(r: ConfigResult): unknown {
  return {
    key: r.config.key,
    status: r.status,
    trials: r.trials,
    failedTrials: r.failedTrials,
    invariants: r.invariants.map((i) => ({ name: i.name, trials: i.trials, failures: i.failures, firstTrials: i.samples.map((s) => s.trial) })),
    outcomes: [...r.outcomes].sort((a, b) => a.outcome.localeCompare(b.outcome)).map((o) => `${o.outcome}=${o.count}`),
    errors: r.errors.count,
  };
}

describe('harness/parallel (--jobs)', function () {
  this.timeout(120_000);

  it('lane plan: cores per group (threads, --cores, controlled 1, never under the floor), copies that fit, disjoint copy slices', () => {
    assert.equal(coresNeeded({ threads: 2, cores: 'all' }, 64), 2);
    assert.equal(coresNeeded({ threads: 1, cores: 'all' }, 64), GROUP_FLOOR_CORES);
    assert.equal(coresNeeded({ threads: 1, cores: 'all' }, 64, 1), 1);
    assert.equal(coresNeeded({ threads: 4, cores: 'all', schedule: 'ctl' }, 64, 1), 1);
    assert.equal(coresNeeded({ threads: 8, cores: 3 }, 64), 3);
    assert.equal(coresNeeded({ threads: 128, cores: 'all' }, 64), 64, 'more threads than cores: the whole machine');
    const item = (threads: number): LaneItem => ({ config: { key: `t${threads}`, threads, cores: 'all' } });
    assert.equal(copiesOf(item(2), 64, 64), 32);
    assert.equal(copiesOf(item(2), 5, 64), 5, '--jobs caps the copies');
    assert.equal(copiesOf(item(2), 64, 64, 3), 3, 'never more copies than trials');
    assert.equal(copiesOf(item(3), 64, 8), 2);
    assert.equal(copiesOf({ ...item(2), skip: 'x' }, 64, 64), 1);
    assert.equal(copiesOf({ ...item(2), slice: { index: 1, total: 2, firstTrial: 0 } }, 64, 64), 1, "a shard's slice runs as one group");
    for (const [copies, runs] of [[2, 700], [3, 10], [32, 1000], [5, 5]] as const) {
      const seen = new Set<number>();
      for (let c = 0; c < copies; c++) {
        const s = copySlice(c, copies, runs);
        for (let t = s.firstTrial; t < s.firstTrial + s.runs!; t++) {
          assert.ok(!seen.has(t), `trial ${t} in two copies`);
          seen.add(t);
        }
      }
      assert.equal(seen.size, runs, `${copies} copies of ${runs} trials cover them all`);
    }
    assert.equal(copySlice(2, 4, undefined).firstTrial, 2 * SLICE_TRIAL_SPAN, 'time-budgeted copies number their trials like shard slices');
    const pool = new CpuPool([4, 5, 6]);
    const a = pool.take(2);
    assert.deepEqual(a, [4, 5]);
    assert.equal(pool.take(2), undefined, 'never more cores than are free');
    pool.give(a);
    assert.deepEqual(pool.take(3), [4, 5, 6]);
  });

  it("plans a 64-core machine for the default matrix: every core in use, none handed out twice, each group's threads on cores of their own", async () => {
    const planned = await plan({ suites: [], seed: 'lanes64', cores: ['all'], jitter: ['none', 'spin-1us'], schedule: ['free', 'ctl'] }, hasAffinity());
    const layout = laneLayout(planned, 64, 64);
    assert.ok(layout.length > 20, 'the default matrix');
    for (const l of layout) {
      const p = planned.find((x) => x.config.key === l.key)!;
      if (p.skip !== undefined) continue;
      assert.ok(l.copies * l.coresEach <= 64, `${l.key}: ${l.copies} x ${l.coresEach} cores fits in 64`);
      assert.ok(l.coresEach >= Math.min(p.config.schedule === undefined ? p.config.threads : 1, 64), `${l.key}: a core per spinning thread`);
      // As many groups as fit: the rest of the machine could not hold one more.
      assert.ok(64 - l.copies * l.coresEach < l.coresEach, `${l.key}: ${l.copies} copies leave a group's worth of cores idle`);
    }
    const t2 = layout.find((l) => /\/t2\/c-all\/j-none$/.test(l.key))!;
    assert.deepEqual([t2.copies, t2.coresEach], [32, 2]);
    const t4 = layout.find((l) => /\/t4\/c-all\/j-none$/.test(l.key))!;
    assert.deepEqual([t4.copies, t4.coresEach], [16, 4]);
    const ctl = layout.find((l) => /\/s-ctl$/.test(l.key))!;
    assert.deepEqual([ctl.copies, ctl.coresEach], [32, GROUP_FLOOR_CORES]);
    // One thread: two cores for a group whose main thread grades (deadlock), one for an in-worker suite (counter).
    const ones = await plan({ suites: ['counter', 'deadlock'], seed: 'lanes64', threads: [1], cores: ['all'], jitter: ['none'], schedule: ['free'], grep: 'locked|ordered' }, hasAffinity());
    const oneLayout = laneLayout(ones, 64, 64);
    assert.deepEqual(oneLayout.find((l) => l.key.startsWith('counter/locked/t1'))!, { key: 'counter/locked/t1/c-all/j-none', copies: 64, coresEach: 1 });
    assert.deepEqual(oneLayout.find((l) => l.key.startsWith('deadlock/ordered/t1'))!, { key: 'deadlock/ordered/t1/c-all/j-none', copies: 32, coresEach: 2 });
  });

  it('--jobs auto on this machine: an in-worker suite at one thread runs as two groups side by side, merged, with the progress line saying so', async () => {
    const events: RunEvent[] = [];
    const s = await drain<RunSummary>(run({ suites: ['counter'], seed: 'jobs-2', threads: [1], jitter: ['none'], schedule: ['free'], grep: 'atomic', runs: 400_000, jobs: 'auto' }), events);
    const r = s.configs[0]!;
    assert.deepEqual([r.status, r.trials, r.slice], ['pass', 400_000, undefined]);
    if (runCpus().length === 2) {
      // Decided when the configuration starts: two copies, one core each (the progress lines say how many run at that moment, which depends on timing).
      const start = events.find((e) => e.type === 'config-start');
      assert.equal(start?.type === 'config-start' ? start.groups : undefined, 2);
      const groups = events.flatMap((e) => (e.type === 'progress' && e.groups !== undefined ? [e.groups] : []));
      assert.ok(groups.every((g) => g === 1 || g === 2), `groups reported: ${groups.join(',')}`);
    }
  });

  it('copies side by side on disjoint trial ranges merge into exactly what a serial run with the same --runs gives', async () => {
    const items = await plan({ suites: [DETERMINISTIC], seed: 'jobs-eq', threads: [1], cores: ['all'], jitter: ['none'], schedule: ['free'] }, hasAffinity());
    const events: RunEvent[] = [];
    const parallel = await sideBySide(items, {}, events);
    const serial = await drain<RunSummary>(run({ suites: [DETERMINISTIC], seed: 'jobs-eq', threads: [1], jitter: ['none'], schedule: ['free'], runs: 4000, jobs: 1 }));
    assert.equal(parallel.length, serial.configs.length);
    for (let i = 0; i < serial.configs.length; i++) {
      const p = parallel[i];
      assert.ok(p !== undefined, `item ${i} has a result`);
      assert.equal(p.slice, undefined, 'the copies are merged back into one result');
      assert.deepEqual(essence(p), essence(serial.configs[i]!), serial.configs[i]!.config.key);
    }
    // sevens: (trial + 1) % 7 === 0 for trials 0..3999 is 571 failing trials; really found, not vacuous.
    const sevens = parallel.find((r) => r?.config.variant === 'sevens')!;
    assert.equal(sevens.failedTrials, 571);
    assert.equal(sevens.invariants.find((i) => i.name === 'trial index is off the modulus')!.samples[0]!.trial, 6, 'the first sample is the first failing trial of the whole range');
    // Each item started and ended once, however many groups it ran as.
    assert.equal(events.filter((e) => e.type === 'config-start').length, items.length);
    assert.equal(events.filter((e) => e.type === 'config-end').length, items.length);
  });

  it("a group whose process dies is an error of its configuration; the other configurations' results are kept", async () => {
    const items = await plan({ suites: [fixture('exits-in-prepare'), DETERMINISTIC], seed: 'jobs-die', threads: [1], cores: ['all'], jitter: ['none'], schedule: ['free'], grep: 'exits-in-prepare|clean' }, hasAffinity());
    const results = await sideBySide(items);
    const dead = results.find((r) => r?.config.suite === 'exits-in-prepare')!;
    assert.equal(dead.status, 'error');
    assert.match(dead.errors.samples[0]!.message, /ended without a result/);
    const clean = results.find((r) => r?.config.variant === 'clean')!;
    assert.equal(clean.status, 'pass');
    assert.equal(clean.trials, 4000);
  });

  it('--fail-fast: no configuration starts after a failing one, and the run says how many did not run', async () => {
    const items = await plan({ suites: [DETERMINISTIC], seed: 'jobs-ff', threads: [1, 2], cores: ['all'], jitter: ['none'], schedule: ['free'], grep: 'sevens|fives' }, hasAffinity());
    assert.equal(items.length, 4);
    const groups = new WorkerGroups();
    try {
      const pass = await drain(
        runParallel({
          items,
          lanes: { jobs: 2, cpus: [0, 1], affinity: false, floorCores: 1 },
          one: { timeoutMs: 2000, traceEvents: 16, budget: {}, groups },
          budgetOf: () => ({ runs: 50 }),
          runs: 50,
          failFast: true,
          announce: true,
          t0: performance.now(),
          trialsBefore: 0,
          failuresBefore: 0,
        }),
      );
      assert.ok(pass.stoppedEarly !== undefined, 'stopped early');
      assert.match(pass.stoppedEarly.reason, /--fail-fast after deterministic\/sevens\/t1/);
      assert.equal(pass.stoppedEarly.notRun, pass.results.filter((r) => r === undefined).length);
      assert.ok(pass.stoppedEarly.notRun >= 2, `the t2 configurations did not start (notRun ${pass.stoppedEarly.notRun})`);
      // Groups stopped by the fail-fast are no crash: what they measured is kept, nothing is made up.
      for (const r of pass.results) if (r !== undefined) assert.equal(r.errors.count, 0, `${r.config.key}: ${JSON.stringify(r.errors.samples[0])}`);
    } finally {
      await groups.close();
    }
  });

  it('run() with --jobs: results in plan order, the setting recorded, and totals equal to --jobs 1 (one group per 2 cores on this machine)', async () => {
    const options: RunOptions = { suites: [DETERMINISTIC], seed: 'jobs-run', threads: [1, 2], jitter: ['none'], schedule: ['free'], runs: 300 };
    const events: RunEvent[] = [];
    const a = await drain<RunSummary>(run({ ...options, jobs: 'auto' }), events);
    const b = await drain<RunSummary>(run({ ...options, jobs: 1 }));
    assert.deepEqual(a.configs.map(essence), b.configs.map(essence));
    assert.deepEqual(a.configs.map((r) => r.config.key), b.configs.map((r) => r.config.key), 'plan order');
    assert.equal(a.exitCode, b.exitCode);
    const start = events.find((e) => e.type === 'run-start');
    assert.equal(start?.type === 'run-start' ? start.settings.jobs : -1, runCpus().length > 1 ? runCpus().length : undefined);
  });

  it('a soak with --jobs goes on from where each group stopped: no trial index runs twice', async () => {
    // Long enough that a loaded machine still makes several passes (1.5 s of 400 ms passes made one
    // pass once, with the test suite running beside two stress runs and two CPU hogs).
    const summary = await drain<RunSummary>(run({ suites: [DETERMINISTIC], seed: 'jobs-soak', threads: [1], jitter: ['none'], schedule: ['free'], grep: 'sevens', durationMs: 4000, timeBudgetMs: 300, jobs: 'auto' }));
    assert.ok(summary.soak !== undefined && summary.soak.passes >= 2, `several passes (${summary.soak?.passes})`);
    const r = summary.configs[0]!;
    // Trials 0 .. n-1 fail where (trial + 1) % 7 === 0: floor(n / 7) of them, only if numbering went on from pass to pass.
    assert.equal(r.failedTrials, Math.floor(r.trials / 7), `${r.trials} trials`);
  });

  it('a soak of many passes with a stop signal leaves no listener behind (no MaxListenersExceededWarning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      // Short passes for 6 s: dozens of passes even on a loaded machine (2.5 s of 100 ms passes made 5 once, under heavy load).
      const s = await drain<RunSummary>(run({ suites: [DETERMINISTIC], seed: 'jobs-listen', threads: [1], jitter: ['none'], schedule: ['free'], grep: 'clean', durationMs: 6000, timeBudgetMs: 50, jobs: 'auto', signal: controller.signal }));
      assert.ok(s.soak !== undefined && s.soak.passes > 11, `more passes than the 10 listeners a signal allows before warning (${s.soak?.passes})`);
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('soak passes of copies side by side: each copy goes on from where it stopped, so every trial index runs once', async () => {
    const items = await plan({ suites: [DETERMINISTIC], seed: 'jobs-soak2', threads: [1], cores: ['all'], jitter: ['none'], schedule: ['free'], grep: 'sevens' }, hasAffinity());
    const next = new Map<number, number>();
    let trials = 0;
    let failures = 0;
    for (let pass = 0; pass < 3; pass++) {
      const [r] = await sideBySide(items, {
        budgetOf: () => ({ timeMs: 250 }),
        runs: undefined,
        minShareMs: 1000,
        announce: false,
        firstTrialOf: (_index, copy) => next.get(copy),
        onNextTrial: (_index, copy, n) => next.set(copy, n),
      });
      trials += r!.trials;
      failures += r!.failedTrials;
    }
    assert.deepEqual([...next.keys()].sort(), [0, 1], 'two copies');
    // Failing trials t, with (t + 1) % 7 === 0, in [from, from + n): the multiples of 7 in [from + 1, from + n].
    const failing = (from: number, n: number): number => Math.floor((from + n) / 7) - Math.floor(from / 7);
    const n0 = next.get(0)!;
    const n1 = next.get(1)! - SLICE_TRIAL_SPAN;
    assert.equal(trials, n0 + n1, 'the copies ran contiguous ranges from their first trials');
    assert.equal(failures, failing(0, n0) + failing(SLICE_TRIAL_SPAN, n1));
    assert.ok(failures > 100, `really failing (${failures})`);
  });

  it('--max-failures: a configuration runs as one group, so it stops at N failures as a serial run does', async () => {
    const items = await plan({ suites: [DETERMINISTIC], seed: 'jobs-mf', threads: [1], cores: ['all'], jitter: ['none'], schedule: ['free'], grep: 'sevens' }, hasAffinity());
    const groups = new WorkerGroups();
    try {
      const pass = await drain(
        runParallel({
          items,
          lanes: { jobs: 2, cpus: [0, 1], affinity: false, floorCores: 1 },
          one: { timeoutMs: 2000, traceEvents: 16, budget: {}, groups, maxFailures: 3 },
          budgetOf: () => ({ runs: 4000 }),
          runs: 4000,
          failFast: false,
          announce: false,
          t0: performance.now(),
          trialsBefore: 0,
          failuresBefore: 0,
        }),
      );
      const r = pass.results[0]!;
      // One group stops at the batch where its third failure came (a batch in flight finishes): copies would each have counted to 3.
      assert.equal(r.stoppedAtFailures, 3);
      assert.ok(r.failedTrials >= 3 && r.failedTrials < 6, `${r.failedTrials} failures`);
      assert.ok(r.trials < 4000, 'it stopped');
      assert.equal(r.slice, undefined);
    } finally {
      await groups.close();
    }
  });

  it('a consumer that stops reading stops the groups: no group process outlives the pass', async () => {
    const items = await plan({ suites: [DETERMINISTIC], seed: 'jobs-brk', threads: [1], cores: ['all'], jitter: ['none'], schedule: ['free'], grep: 'clean' }, hasAffinity());
    const groups = new WorkerGroups();
    try {
      const gen = runParallel({
        items,
        lanes: { jobs: 2, cpus: [0, 1], affinity: false, floorCores: 1 },
        one: { timeoutMs: 2000, traceEvents: 16, budget: {}, groups },
        budgetOf: () => ({ timeMs: 60_000 }),
        minShareMs: 60_000,
        failFast: false,
        announce: true,
        t0: performance.now(),
        trialsBefore: 0,
        failuresBefore: 0,
      });
      await gen.next();
      // The groups are starting (or running) now.
      let seen = 0;
      for (let i = 0; i < 100 && seen === 0; i++) {
        seen = groupChildren().length;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(seen > 0, 'the groups run in child processes');
      await gen.return(undefined as never);
      let left = groupChildren();
      for (let i = 0; i < 200 && left.length > 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        left = groupChildren();
      }
      assert.deepEqual(left, [], 'every group process ended within 10 s of the break');
    } finally {
      await groups.close();
    }
  });

  it('the config file takes jobs as a number or "auto", checked like the flag (above the CPUs: clamped, test/cli/config-jobs.test.ts)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stress-jobs-'));
    try {
      for (const [value, ok] of [['1', true], ['"auto"', true], ['0', false], ['"x"', false], ['99999', true], ['true', false]] as const) {
        const path = join(dir, 'stress.config.json');
        writeFileSync(path, `{"jobs": ${value}}`);
        const r = stress(['list', 'counter', '--config', path]);
        assert.equal(r.code, ok ? 0 : 2, `${value}: ${r.out}${r.err}`);
        if (!ok) assert.match(r.err, /jobs/, value);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--jobs is auto or 1 .. the CPUs this process may use; anything else is a usage error naming the flag', () => {
    const cores = runCpus().length;
    assert.equal(parseJobs('--jobs', 'auto'), 'auto');
    assert.equal(parseJobs('--jobs', '1'), 1);
    assert.equal(parseJobs('--jobs', String(cores)), cores);
    for (const bad of ['0', String(cores + 1), '-1', '1.5', 'all', '']) {
      assert.throws(() => parseJobs('--jobs', bad), (e: unknown) => e instanceof HarnessError && e.code === 'ERR_USAGE' && e.message.startsWith('--jobs') && e.message.includes(`1 to ${cores}`), bad);
    }
  });

  it("run({ jobs }) checks it like the flag", async () => {
    for (const bad of [0, runCpus().length + 1, 'many', 1.5]) {
      await assert.rejects(run({ jobs: bad as number }).next(), (e: unknown) => e instanceof HarnessError && /jobs must be 'auto' or an integer from 1 to/.test(e.message), String(bad));
    }
  });
});

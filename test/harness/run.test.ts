/**
 * The harness end to end through run()/runConfiguration(): real worker groups, real
 * suites. Detection tests use budgets sized from measured per-trial rates so
 * that a miss is far rarer than one in a million; they count trials, never time.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { run } from '../../harness/core/run.js';
import { runConfiguration } from '../../harness/core/run-configuration.js';
import type { RunSummary, ConfigResult } from '../../harness/core/grade/results.js';
import { decodeReplay } from '../../harness/core/record/replay-token.js';
import { loadSuite } from '../../harness/core/plan/load-suite.js';
import { HarnessError } from '../../harness/core/shared/errors.js';
import { formatConfigLine } from '../../reporters/console.js';
import { MAX_RECOVERIES } from '../../harness/core/execute/executor.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));

async function runAll(options: Parameters<typeof run>[0]): Promise<RunSummary> {
  for await (const e of run(options)) if (e.type === 'run-end') return e.summary;
  throw new Error('run ended without a summary');
}

function only(summary: RunSummary, key: string): ConfigResult {
  const r = summary.configs.find((c) => c.config.key === key);
  assert.ok(r, `configuration ${key} ran`);
  return r;
}

describe('harness/run', function () {
  this.timeout(120_000);

  it('passes the correct counter variants: no failure in 400 trials each, free-running and controlled', async () => {
    const s = await runAll({ suites: ['counter'], grep: '/(locked|atomic)/', threads: [2, 4], jitter: ['none', 'spin-1us'], runs: 400, seed: 'correct' });
    // 2 variants x 2 thread counts x (2 jitters free-running, and one controlled configuration: the default schedule free,ctl)
    assert.equal(s.configs.length, 12);
    assert.equal(s.configs.filter((r) => r.config.schedule === 'ctl').length, 4);
    for (const r of s.configs) {
      assert.equal(r.status, 'pass', `${r.config.key}: ${JSON.stringify(r.invariants.filter((i) => i.failures > 0))}`);
      assert.equal(r.trials, 400);
    }
    assert.equal(s.exitCode, 0);
  });

  it('catches the lost-update canary and prints a replay that reproduces it', async () => {
    // Measured per-trial rate at 2 threads, no jitter: 20-80%, but bursty: under load the first few
    // hundred trials can all pass (workers not co-scheduled). So: a cap of 20,000 trials, stopping at the first detection.
    const s = await runAll({ suites: ['counter'], grep: 'unlocked/t2/', jitter: ['none'], threads: [2], runs: 20_000, maxFailures: 1, seed: 'canary' });
    const r = only(s, 'counter/unlocked/t2/c-all/j-none');
    assert.equal(r.canaryVerdict, 'caught');
    assert.equal(r.stoppedAtFailures, 1, 'the result says it stopped at --max-failures (its rate is biased)');
    assert.match(formatConfigLine(r), /\(stopped: max-failures 1 reached\)$/);
    const inv = r.invariants.find((i) => i.name === 'no lost update')!;
    assert.ok(inv.failures > 0);
    const sample = inv.samples[0]!;
    assert.equal(sample.expected, 2);
    assert.equal(sample.observed, 1);
    assert.ok(r.outcomes.some((o) => o.grade === 'forbidden' && o.outcome === 'lost 1 of 2'));
    assert.ok(sample.trace.some((e) => e.op === 'user' && e.primitive === 'counter.read'), 'the trace shows the race window');

    // Replay the failing trial's seed: same configuration, same jitter draws.
    const target = decodeReplay(sample.replay);
    assert.equal(target.trial, sample.trial);
    const suite = await loadSuite(target.suiteUrl);
    const replay = await runConfiguration(
      { suite, config: { ...r.config } },
      { timeoutMs: target.timeoutMs, traceEvents: 16, budget: { runs: 20_000 }, maxFailures: 1, fixedSeedTrial: target.trial },
    );
    assert.ok(replay.failedTrials > 0, 'the replay reproduces the lost update');
  });

  it('names the steps of a failing trial in a late batch correctly, though the next batch ran meanwhile', async () => {
    const s = await runAll({ suites: [fileURLToPath(new URL('./fixtures/named-steps.js', import.meta.url))], jitter: ['none'], threads: [2], runs: 6000, seed: 'names' });
    const r = only(s, 'named-steps/default/t2/c-all/j-none');
    assert.equal(r.trials, 6000);
    const inv = r.invariants.find((i) => i.name === 'not the chosen trial')!;
    assert.equal(inv.failures, 1);
    const steps = inv.samples[0]!.trace.filter((e) => e.op === 'user').map((e) => `${e.threadName}: ${e.primitive}`).sort();
    assert.deepEqual(steps, ['t0: step of trial 3000', 't1: step of trial 3000']);
  });

  it('reports the deadlock cycle of the opposite-order canary, naming threads and locks', async () => {
    // Measured per-trial detection at 2 threads: 5-15%, bursty under load; cap 20,000 trials, stop at the first.
    const s = await runAll({ suites: ['deadlock'], grep: 'opposite-order', threads: [2], jitter: ['spin-1us'], runs: 20_000, maxFailures: 1, seed: 'cycle' });
    const r = only(s, 'deadlock/opposite-order/t2/c-all/j-spin-1us');
    assert.equal(r.canaryVerdict, 'caught');
    const inv = r.invariants.find((i) => i.name === 'no deadlock')!;
    const details = inv.samples[0]!.details;
    assert.match(details, /t[01] waits for [AB] held by t[01]/);
    assert.match(details, /A/);
    assert.match(details, /B/);
  });

  it('reports a hang with its trial, recovers, and finishes the configuration', async () => {
    // A generous timeout: under load a correct trial must never look hung.
    const s = await runAll({ suites: [fixture('hangs-on-trial-2')], runs: 20, timeoutMs: 1500, jitter: ['none'], seed: 'hang' });
    const r = s.configs[0]!;
    assert.equal(r.status, 'hang');
    assert.equal(r.hangs.count, 1);
    assert.equal(r.hangs.samples[0]!.trial, 2);
    // Trials after the hung one ran on a fresh worker group; those before it in its batch ran again.
    assert.equal(r.trials, 20, 'every trial was graded: 19 that finished and the hung one');
    assert.equal(r.stoppedAtRecoveries, undefined, 'one hang does not stop the configuration');
    assert.equal(s.exitCode, 1);
  });

  it('stops a configuration that hangs in every trial after MAX_RECOVERIES hangs, and says so', async () => {
    const s = await runAll({ suites: [fixture('always-hangs')], runs: 50, timeoutMs: 500, jitter: ['none'], seed: 'hangs' });
    const r = s.configs[0]!;
    assert.equal(r.status, 'hang');
    assert.equal(r.hangs.count, MAX_RECOVERIES);
    assert.equal(r.stoppedAtRecoveries, MAX_RECOVERIES);
    assert.ok(r.trials < 50, `ran ${r.trials} of 50 trials`);
    assert.match(formatConfigLine(r), new RegExp(`\\(stopped: ${MAX_RECOVERIES} hangs or crashes\\)$`));
  });

  it('counts the trials that passed before a hang in its batch, also when the hang stops the configuration', async () => {
    // Thread 0 blocks forever in the trials hangAt lists. One batch of 8 (FIRST_BATCH); a hang
    // cancels its batch, and the trials before the hung one run again. {0,1,5}: the third hang (5)
    // stops the configuration after 2-4 passed; {3,4,6}: after 0-2 and 5 passed; {1,5}: no stop.
    const cases = [
      { hangAt: '0,1,5', trials: 6, stopped: MAX_RECOVERIES },
      { hangAt: '3,4,6', trials: 7, stopped: MAX_RECOVERIES },
      { hangAt: '1,5', trials: 8, stopped: undefined },
    ];
    for (const name of ['hangs-at-trials', 'hangs-at-trials-in-workers']) {
      for (const c of cases) {
        // A generous timeout: under load a passing trial must never look hung.
        const s = await runAll({ suites: [fixture(name)], params: { hangAt: c.hangAt }, runs: 8, timeoutMs: 1500, jitter: ['none'], schedule: ['free'], seed: 'hang-at' });
        const r = s.configs[0]!;
        const hangs = c.hangAt.split(',').map(Number);
        const what = `${name} hangAt=${c.hangAt}: hangs in trials ${r.hangs.samples.map((h) => h.trial).join(',')}`;
        assert.equal(r.status, 'hang', what);
        assert.equal(r.hangs.count, hangs.length, what);
        assert.deepEqual(r.hangs.samples.map((h) => h.trial).sort((a, b) => a - b), hangs, what);
        assert.equal(r.trials, c.trials, `${what}: the hung trials and every one that passed are counted`);
        assert.equal(r.failedTrials, hangs.length, what);
        assert.equal(r.stoppedAtRecoveries, c.stopped, what);
      }
    }
    // Controlled: Atomics.wait is modelled (a deadlock finding), so the trials spin, blocked outside the model.
    for (const c of cases) {
      const s = await runAll({ suites: [fixture('hangs-at-trials')], params: { hangAt: c.hangAt, spin: true }, runs: 8, timeoutMs: 1500, jitter: ['none'], schedule: ['ctl'], seed: 'hang-at' });
      const r = s.configs[0]!;
      const what = `ctl hangAt=${c.hangAt}`;
      assert.equal(r.trials, c.trials, `${what}: the hung trials and every one that passed are counted`);
      assert.equal(r.failedTrials, c.hangAt.split(',').length, what);
      assert.equal(r.stoppedAtRecoveries, c.stopped, what);
    }
  });

  it('reports an actor that throws as an error of its configuration, with the message', async () => {
    const s = await runAll({ suites: [fixture('throws')], runs: 10, jitter: ['none'], seed: 'err' });
    const r = s.configs[0]!;
    assert.equal(r.status, 'error');
    assert.equal(r.errors.count, 10);
    assert.equal(r.errors.samples[0]!.message, 'planted failure');
    assert.equal(r.errors.samples[0]!.thread, 1);
    assert.equal(s.exitCode, 3);
  });

  it('reports an actor that calls process.exit as an error (worker crash) and keeps the run going', async () => {
    const s = await runAll({ suites: [fixture('exits')], runs: 20, jitter: ['none'], seed: 'exit' });
    const r = s.configs[0]!;
    assert.equal(r.status, 'error');
    assert.ok(r.errors.count >= 1);
    assert.equal(r.errors.samples[0]!.name, 'WorkerCrash');
    assert.equal(r.errors.samples[0]!.trial, 1, 'the crash is reported in the trial that exited');
    assert.equal(r.trials, 19, 'the other trials of its batch ran again and were graded');
    assert.equal(s.exitCode, 3);
  });

  it('reports a suite whose setup throws as an error of its configuration, keeping the trials before, and runs the next configuration', async () => {
    const s = await runAll({ suites: [fixture('setup-throws'), 'counter'], grep: '(setup-throws|counter/locked/t2/c-all/j-none)', threads: [2], runs: 50, jitter: ['none'], seed: 'setup' });
    const broken = s.configs.find((c) => c.config.suite === 'setup-throws')!;
    assert.equal(broken.status, 'error');
    assert.equal(broken.errors.samples[0]!.name, 'SetupError');
    assert.match(broken.errors.samples[0]!.message, /setup threw in trial 5: setup broke/);
    assert.equal(broken.trials, 5);
    const next = s.configs.find((c) => c.config.suite === 'counter')!;
    assert.equal(next.status, 'pass');
    assert.equal(next.trials, 50);
    assert.equal(s.exitCode, 3);
  });

  it('turns an actor result that cannot be sent between threads into an error of its trial', async () => {
    const s = await runAll({ suites: [fixture('returns-function')], runs: 10, jitter: ['none'], seed: 'clone' });
    const r = s.configs[0]!;
    assert.equal(r.status, 'error');
    assert.equal(r.errors.count, 1);
    assert.equal(r.errors.samples[0]!.trial, 3);
    assert.equal(r.errors.samples[0]!.thread, 1);
    assert.match(r.errors.samples[0]!.message, /cannot be sent between threads/);
    assert.equal(r.trials, 10);
  });

  it('reports an actor stuck in a busy loop as a hang with no lock involved, and finishes', async () => {
    const s = await runAll({ suites: [fixture('spins-forever')], runs: 5, timeoutMs: 1500, jitter: ['none'], seed: 'spin' });
    const r = s.configs[0]!;
    assert.equal(r.status, 'hang');
    assert.equal(r.hangs.samples[0]!.trial, 0);
    assert.deepEqual(r.hangs.samples[0]!.waitFor, []);
    assert.match(r.invariants.find((i) => i.name === 'no hang')!.samples[0]!.details, /no thread was blocked in a primitive/);
    assert.equal(r.trials, 5, 'the trials after the hung one still ran');
  });

  it('reports a livelock (operations forever, trial never done) as a hang after the livelock limit', async () => {
    const s = await runAll({ suites: [fixture('livelock')], runs: 3, timeoutMs: 200, jitter: ['none'], seed: 'live' });
    const r = s.configs[0]!;
    assert.equal(r.status, 'hang');
    assert.equal(r.hangs.samples[0]!.trial, 0);
    assert.equal(r.trials, 3);
  });

  it('reports invariants that throw or return the wrong type as failures with a message, others unaffected', async () => {
    const s = await runAll({ suites: [fixture('bad-verdicts')], runs: 5, jitter: ['none'], seed: 'verdicts' });
    const r = s.configs[0]!;
    const by = (name: string) => r.invariants.find((i) => i.name === name)!;
    assert.equal(by('throws').failures, 5);
    assert.match(by('throws').samples[0]!.details, /the invariant threw Error: checker broke/);
    assert.match(by('returns undefined').samples[0]!.details, /invariant returned undefined; expected true\/false/);
    assert.match(by('returns a number').samples[0]!.details, /invariant returned 42/);
    assert.equal(by('holds').failures, 0);
  });

  it('reports an actor that exhausts its worker heap as a crash, and the run survives', async function () {
    this.timeout(120_000);
    const s = await runAll({ suites: [fixture('eats-memory')], runs: 4, timeoutMs: 60_000, workerHeapMb: 64, jitter: ['none'], seed: 'oom' });
    const r = s.configs[0]!;
    assert.equal(r.status, 'error');
    assert.equal(r.errors.samples[0]!.name, 'WorkerCrash');
  });

  it('skips configurations below a suite\'s minThreads (a producer with no consumer), with the reason', async () => {
    const s = await runAll({ suites: ['producer-consumer'], grep: 'close', threads: [1, 2], jitter: ['none'], runs: 20, seed: 'min' });
    const one = only(s, 'producer-consumer/close/t1/c-all/j-none');
    assert.equal(one.status, 'skipped');
    assert.equal(one.skippedReason, 'producer-consumer needs at least 2 threads');
    assert.equal(one.trials, 0);
    assert.equal(only(s, 'producer-consumer/close/t2/c-all/j-none').status, 'pass');
    assert.equal(s.exitCode, 0);
  });

  it('rejects options that would run nothing or fail deep inside, with ERR_USAGE naming the option', async () => {
    const cases: Array<[Parameters<typeof run>[0], string]> = [
      [{ threads: [0] }, 'threads'],
      [{ runs: 0 }, 'runs'],
      [{ cores: [0] }, 'cores'],
      [{ timeoutMs: Number.NaN }, 'timeoutMs'],
      [{ maxFailures: 1.5 }, 'maxFailures'],
      [{ jitter: [] }, 'jitter'],
      [{ runs: 10, durationMs: 1000 }, 'durationMs'],
      [{ shard: { index: 4, total: 3 } }, 'shard'],
      [{ shard: { index: 1, total: 20_000 } }, 'shard'],
    ];
    for (const [bad, name] of cases) {
      await assert.rejects(runAll({ suites: ['counter'], ...bad }), (e: unknown) => e instanceof HarnessError && e.code === 'ERR_USAGE' && e.message.includes(name), name);
    }
  });

  it('rejects a malformed suite module before any trial, naming what is missing', async () => {
    await assert.rejects(runAll({ suites: [fixture('wrong-shape')], runs: 1 }), (e: unknown) => {
      assert.ok(e instanceof HarnessError);
      assert.equal(e.code, 'ERR_SUITE_SHAPE');
      assert.match(e.message, /actor/);
      assert.match(e.message, /invariants/);
      return true;
    });
  });

  it('rejects an unknown suite name listing the built-ins', async () => {
    await assert.rejects(runAll({ suites: ['no-such-suite'], runs: 1 }), /unknown suite "no-such-suite".*counter/);
  });
});

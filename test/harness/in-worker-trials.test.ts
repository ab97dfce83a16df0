/**
 * In-worker trials (suite option trialsInWorkers): the workers set up and grade the trials, the
 * main thread adds up counts and samples. What a run reports must not change: checked against the
 * usual path on a fixture whose failures depend on the trial index alone, with replay tokens that
 * reproduce; locks built in every thread must share their ids (deadlock detection depends on it);
 * errors, oversized results and setups that grow are reported, not lost.
 */
import type { RunOptions } from '../../harness/core/settings/run-options.js';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { run } from '../../harness/core/run.js';
import { replay } from '../../harness/core/replay.js';
import type { ConfigResult, RunSummary } from '../../harness/core/grade/results.js';
import type { RunEvent } from '../../harness/core/events.js';
import { measureLayout } from '../../harness/core/execute/in-worker-layout.js';
import { loadSuite } from '../../harness/core/plan/load-suite.js';
import { resolveSuiteUrl } from '../../harness/core/plan/plan.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));

async function summary(gen: AsyncGenerator<RunEvent, RunSummary>): Promise<RunSummary> {
  for (;;) {
    const next = await gen.next();
    if (next.done === true) return next.value;
  }
}

/** What must not depend on where trials were set up and graded. */
function essence(r: ConfigResult): unknown {
  return {
    variant: r.config.variant,
    threads: r.config.threads,
    status: r.status,
    trials: r.trials,
    failedTrials: r.failedTrials,
    invariants: r.invariants.map((i) => ({ name: i.name, failures: i.failures, trials: i.trials, samples: i.samples.map((s) => [s.trial, s.details]) })),
    outcomes: [...r.outcomes].sort((a, b) => a.outcome.localeCompare(b.outcome)).map((o) => `${o.outcome}=${o.count}/${o.grade}`),
    errors: r.errors.count,
    firstDetection: r.firstDetection?.trial,
  };
}

describe('harness/in-worker trials (trialsInWorkers)', function () {
  this.timeout(120_000);

  it('reports exactly what the main-thread path reports: counts, failing trials, samples, outcomes, first detection', async () => {
    const options: RunOptions = { threads: [1, 2], jitter: ['none'], schedule: ['free'], runs: 3000, jobs: 1, seed: 'iw-eq' };
    const usual = await summary(run({ ...options, suites: [fixture('deterministic')] }));
    const inWorkers = await summary(run({ ...options, suites: [fixture('deterministic-in-workers')] }));
    assert.equal(inWorkers.configs.length, usual.configs.length);
    for (let i = 0; i < usual.configs.length; i++) assert.deepEqual(essence(inWorkers.configs[i]!), essence(usual.configs[i]!), usual.configs[i]!.config.key);
    // Really failing, and in batches past the first (3000 trials span several).
    const sevens = inWorkers.configs.find((r) => r.config.variant === 'sevens' && r.config.threads === 2)!;
    assert.equal(sevens.failedTrials, 428, '(trial + 2) % 7 === 0 for trials 0..2999');
    assert.equal(sevens.invariants[0]!.samples.length, 3);
    assert.ok(sevens.invariants[0]!.samples[0]!.trace.length > 0, 'a failing trial keeps its trace');
  });

  it("a failure's replay token, recorded in a worker, reproduces it (replays run on the main thread)", async () => {
    const s = await summary(run({ suites: [fixture('deterministic-in-workers')], threads: [2], jitter: ['none'], schedule: ['free'], runs: 40, jobs: 1, seed: 'iw-replay', grep: 'sevens' }));
    const sample = s.configs[0]!.invariants[0]!.samples[0]!;
    assert.equal(sample.trial, 5);
    const result = await replay(sample.replay, { runs: 3 });
    assert.equal(result.failedTrials, 3);
  });

  it('every thread builds the same locks: an opposite-order lock cycle is reported as a deadlock, never a hang', async () => {
    // Sleep jitter between the two locks: without it the cycle needs both threads on a core at once,
    // which two CPU hogs made rare enough to miss all 2,000 trials once. With it, measured under two
    // hogs: 472 of 2,000 trials (24%); 600 trials expect ~140, and a miss needs the rate below 2.3%
    // for a one-in-a-million chance.
    const runs = 600;
    const s = await summary(run({ suites: [fixture('deadlock-in-workers')], threads: [2], jitter: ['sleep-1ms'], schedule: ['free'], runs, jobs: 1, seed: 'iw-dl', grep: 'ordered|opposite' }));
    const opposite = s.configs.find((r) => r.config.variant === 'opposite-order')!;
    const ordered = s.configs.find((r) => r.config.variant === 'ordered')!;
    assert.equal(opposite.hangs.count, 0, 'a cycle the detector cannot see would hang');
    assert.ok(opposite.invariants.find((i) => i.name === 'no deadlock')!.failures > 0, 'the cycle is reported');
    assert.match(opposite.invariants.find((i) => i.name === 'no deadlock')!.samples[0]!.details, /waits for B held by|waits for A held by/);
    assert.equal(ordered.status, 'pass');
    assert.equal(ordered.trials, runs);
  });

  it("a failing trial's and a hung trial's traces are their own, past the first trials of a batch (trial memory is a ring of three)", async () => {
    const steps = (trace: Array<{ op: string; threadName: string; primitive: string }>): string[] =>
      trace
        .filter((e) => e.op === 'user')
        .map((e) => `${e.threadName}: ${e.primitive}`)
        .sort();
    const failing = await summary(run({ suites: [fixture('named-steps-in-workers')], threads: [2], jitter: ['none'], schedule: ['free'], runs: 400, jobs: 1, seed: 'iw-ring' }));
    const r = failing.configs[0]!;
    const inv = r.invariants.find((i) => i.name === 'not the chosen trial')!;
    assert.equal(inv.failures, 1);
    assert.deepEqual(steps(inv.samples[0]!.trace), ['t0: step of trial 200', 't1: step of trial 200']);
    // A generous timeout: under load a passing trial must never look hung.
    const hung = await summary(run({ suites: [fixture('named-steps-in-workers')], threads: [2], jitter: ['none'], schedule: ['free'], runs: 150, jobs: 1, seed: 'iw-ring', timeoutMs: 1500, params: { failAt: -1, hangAt: 100 } }));
    const h = hung.configs[0]!;
    assert.deepEqual(
      h.hangs.samples.map((x) => x.trial),
      [100],
    );
    assert.deepEqual(steps(h.hangs.samples[0]!.trace), ['t0: step of trial 100', 't1: step of trial 100']);
  });

  it('an actor error is an error sample with its name, message and stack; an oversized result and a growing setup say what to change', async () => {
    const s = await summary(run({ suites: [fixture('in-workers-misfits')], jitter: ['none'], schedule: ['free'], runs: 100, jobs: 1, seed: 'iw-misfit' }));
    const throws = s.configs.find((r) => r.config.variant === 'throws')!;
    assert.equal(throws.errors.count, 20, 'trials 0, 5, ..., 95');
    assert.equal(throws.trials, 100);
    const e = throws.errors.samples[0]!;
    assert.deepEqual([e.trial, e.name, e.message], [0, 'RangeError', 'planted in trial 0']);
    assert.match(e.stack ?? '', /in-workers-misfits/);
    const big = s.configs.find((r) => r.config.variant === 'big-result')!;
    assert.equal(big.errors.count, 100);
    assert.match(big.errors.samples[0]!.message, /returned \d+ bytes \(serialized\); a suite with trialsInWorkers passes at most/);
    const grows = s.configs.find((r) => r.config.variant === 'grows')!;
    assert.equal(grows.status, 'error');
    assert.ok(grows.trials >= 8 && grows.trials < 100, `the batches before it are kept (${grows.trials})`);
    assert.match(grows.errors.samples.map((x) => x.message).join('\n'), /allocate the same in every trial/);
  });

  it('refuses setups that cannot run in every thread, naming why: own buffers, a primitive without at:, adding to memory, random values', async () => {
    const s = await summary(run({ suites: [fixture('in-workers-misfits')], jitter: ['none'], schedule: ['free'], runs: 20, jobs: 1, seed: 'iw-contract', grep: 'own-buffer|lock-no-at|adds-in-setup|random-in-setup' }));
    const why: Record<string, RegExp> = {
      'own-buffer': /state\.extra \(its buffer\) is shared memory setup made itself/,
      'lock-no-at': /state\.lock\.buffer is shared memory setup made itself.*at: ctx\.alloc/,
      'adds-in-setup': /wrote other bytes when run again over its own result/,
      'random-in-setup': /built two different states in two runs/,
    };
    for (const [variant, re] of Object.entries(why)) {
      const r = s.configs.find((c) => c.config.variant === variant)!;
      assert.equal(r.status, 'error', variant);
      assert.equal(r.trials, 0, `${variant}: no trial ran`);
      assert.match(r.errors.samples[0]!.message, re, variant);
    }
    assert.equal(s.exitCode, 3);
  });

  it('a slot comes back zeroed for the batches that reuse it (thread 0 zeroes what it graded; the main thread after a batch that did not grade all)', async () => {
    // 6000 trials: batches of 8, 16, ... up to thousands, in two sets of memory used in turn, so every slot is reused many times.
    const s = await summary(run({ suites: [fixture('in-workers-misfits')], jitter: ['none'], schedule: ['free'], runs: 6000, jobs: 1, seed: 'iw-zero', grep: 'plain' }));
    const r = s.configs[0]!;
    assert.deepEqual([r.status, r.trials, r.failedTrials, r.errors.count], ['pass', 6000, 0, 0]);
    // After a batch cut short by setup throwing, the trials before it counted and were zeroed the same way.
    const cut = await summary(run({ suites: [fixture('in-workers-misfits')], jitter: ['none'], schedule: ['free'], runs: 200, jobs: 1, seed: 'iw-zero-cut', grep: 'setup-throws-7' }));
    assert.equal(cut.configs[0]!.failedTrials, 0);
  });

  it('setup throwing in trial 7 is that trial\'s SetupError, the 7 trials before it kept, as on the main thread', async () => {
    for (const suite of ['in-workers-misfits']) {
      const s = await summary(run({ suites: [fixture(suite)], jitter: ['none'], schedule: ['free'], runs: 200, jobs: 1, seed: 'iw-throw7', grep: 'setup-throws-7' }));
      const r = s.configs[0]!;
      assert.deepEqual([r.trials, r.errors.count, r.errors.samples[0]!.trial, r.errors.samples[0]!.name], [7, 1, 7, 'SetupError']);
      assert.match(r.errors.samples[0]!.message, /setup threw in trial 7: .*planted in setup of trial 7/);
    }
  });

  it('an invariant slower than the trial timeout is no hang (it runs between trials, bounded like prepare)', async () => {
    const s = await summary(run({ suites: [fixture('in-workers-misfits')], jitter: ['none'], schedule: ['free'], runs: 20, jobs: 1, seed: 'iw-slow', grep: 'slow-check', timeoutMs: 500 }));
    const r = s.configs[0]!;
    assert.deepEqual([r.status, r.trials, r.hangs.count], ['pass', 20, 0]);
  });

  it('a setup slower than the trial timeout is no hang of the trial before it (it runs before the gate, bounded like prepare)', async () => {
    const s = await summary(run({ suites: [fixture('in-workers-misfits')], jitter: ['none'], schedule: ['free'], runs: 20, jobs: 1, seed: 'iw-slow-setup', grep: 'slow-setup', timeoutMs: 500 }));
    const r = s.configs[0]!;
    assert.deepEqual([r.status, r.trials, r.hangs.count, r.errors.count], ['pass', 20, 0, 0]);
  });

  it('an actor that hides a replaced Array.prototype.map behind a fake globalThis.Array is caught and repaired (trial 3 only)', async () => {
    const s = await summary(run({ suites: [fixture('in-workers-misfits')], jitter: ['none'], schedule: ['free'], runs: 20, jobs: 1, seed: 'iw-shadow', grep: 'shadows-array' }));
    const r = s.configs[0]!;
    assert.equal(r.errors.count, 1);
    assert.deepEqual([r.errors.samples[0]!.trial, r.errors.samples[0]!.name], [3, 'ActorMisuseError']);
    assert.match(r.errors.samples[0]!.message, /Array\.prototype\.map/);
    assert.equal(r.trials, 20);
  });

  it('measures a trial once: slot bytes (whole cache lines) and primitive ids', async () => {
    const counter = await loadSuite(resolveSuiteUrl('counter'));
    const layout = measureLayout(counter, { threads: 2, params: { increments: 1 }, variant: 'locked' }, 0);
    // A counter word and a lock, each on its own 64-byte line; one lock id.
    assert.deepEqual(layout, { stride: 128, idsPerTrial: 1 });
  });
});

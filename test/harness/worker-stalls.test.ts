/**
 * What the harness does when suite code stalls, misuses its worker, or runs out of memory, and
 * when the machine is slow rather than the code stuck (issue: results that never lie). Every case
 * ends with a verdict for the configuration that caused it, and the configurations after it run.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../harness/core/run.js';
import type { ConfigResult, RunSummary } from '../../harness/core/grade/results.js';
import { TimeShares } from '../../harness/core/execute/time-share.js';
import { CLI, stress } from '../helpers/cli.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));

async function runAll(options: Parameters<typeof run>[0]): Promise<RunSummary> {
  for await (const e of run(options)) if (e.type === 'run-end') return e.summary;
  throw new Error('run ended without a summary');
}

function byVariant(s: RunSummary, variant: string): ConfigResult {
  const r = s.configs.find((c) => c.config.variant === variant);
  assert.ok(r, `variant ${variant} ran`);
  return r;
}

/** Runs `fn` with STRESS_USER_CODE_TIMEOUT_MS set, so a stalled hook is reported in 1.5 s instead of 30. */
async function withHookLimit<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const before = process.env.STRESS_USER_CODE_TIMEOUT_MS;
  process.env.STRESS_USER_CODE_TIMEOUT_MS = String(ms);
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.STRESS_USER_CODE_TIMEOUT_MS;
    else process.env.STRESS_USER_CODE_TIMEOUT_MS = before;
  }
}

/**
 * A stop signal that fires `ms` after the file `marker` appears (the stalling fixtures create it once
 * their stall has begun, so a test need not guess at timing); stop() ends the polling.
 */
function abortAfterMarker(marker: string, ms: number): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const watcher = setInterval(() => {
    if (existsSync(marker)) {
      clearInterval(watcher);
      timer = setTimeout(() => controller.abort(), ms);
    }
  }, 20);
  return {
    signal: controller.signal,
    stop: () => {
      clearInterval(watcher);
      clearTimeout(timer);
    },
  };
}

describe('harness/stalls and worker misuse', function () {
  this.timeout(120_000);

  it('reports a prepare() that never settles, on the main thread or in the workers, as an error of its configuration; the others run', async () => {
    const s = await withHookLimit(1500, () => runAll({ suites: [fixture('prepare-stalls')], runs: 20, jitter: ['none'], schedule: ['free'], seed: 'stall' }));
    assert.equal(s.configs.length, 3, 'every configuration has a result');
    assert.equal(byVariant(s, 'fine').status, 'pass');
    assert.equal(byVariant(s, 'fine').trials, 20);
    const main = byVariant(s, 'main-thread');
    assert.equal(main.status, 'error');
    assert.match(main.errors.samples[0]!.message, /prepare\(\) on the main thread did not settle within 1\.5 s \(STRESS_USER_CODE_TIMEOUT_MS\)/);
    const workers = byVariant(s, 'in-workers');
    assert.equal(workers.status, 'error');
    assert.equal(workers.errors.samples[0]!.name, 'PrepareError');
    assert.match(workers.errors.samples[0]!.message, /worker was still awaiting prepare\(\) after \d+ s/);
    assert.equal(workers.errors.count, 1, 'a stalled prepare stops the configuration: every batch would stall the same way');
    assert.equal(s.exitCode, 3);
  });

  it('says that an async setup returned a promise (not a worker crash)', async () => {
    const s = await runAll({ suites: [fixture('async-setup')], runs: 4, jitter: ['none'], seed: 'async' });
    const r = s.configs[0]!;
    assert.equal(r.status, 'error');
    assert.equal(r.errors.samples[0]!.name, 'SetupError');
    assert.match(r.errors.samples[0]!.message, /setup returned a Promise: setup must be synchronous/);
  });

  it('makes an actor posting on parentPort or replacing Atomics an error of its configuration; the run goes on (CLI)', () => {
    // Before: tinypool threw "Unexpected message on Worker" on the main thread (a raw stack, exit 1,
    // no reports) in about half of the runs; 300 trials give it every chance.
    const dir = mkdtempSync(join(tmpdir(), 'stress-misuse-'));
    try {
      const json = join(dir, 'out.json');
      const r = stress(['run', fixture('misuses-worker'), '--runs', '300', '--jitter', 'none', '--seed', 'misuse', '--json', json], {}, 90_000);
      assert.equal(r.code, 3, r.err);
      assert.doesNotMatch(r.err, /Unexpected message/);
      const s = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
      const posts = byVariant(s, 'posts-on-parent-port');
      assert.equal(posts.status, 'error');
      assert.equal(posts.errors.samples[0]!.code, 'ERR_ACTOR_MISUSE');
      assert.match(posts.errors.samples[0]!.message, /the actor called parentPort\.postMessage\(\)/);
      const atomics = byVariant(s, 'replaces-atomics');
      assert.equal(atomics.status, 'error');
      assert.match(atomics.errors.samples[0]!.message, /the actor replaced globalThis\.Atomics/);
      assert.equal(atomics.trials, 300, 'the worker was repaired after each trial: every trial ran');
      const quiet = byVariant(s, 'quiet');
      assert.equal(quiet.status, 'pass');
      assert.equal(quiet.trials, 300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('treats promises returned by main-thread suite code as wrong values, never as unhandled rejections that end the run (CLI)', () => {
    // Before: the first rejection nobody awaited ended the process (exit 1, a raw stack, no reports).
    const dir = mkdtempSync(join(tmpdir(), 'stress-async-code-'));
    try {
      const json = join(dir, 'out.json');
      const r = stress(['run', fixture('async-suite-code'), '--runs', '3', '--jitter', 'none', '--schedule', 'free', '--seed', 'async-code', '--json', json]);
      assert.equal(r.code, 3, r.out + r.err);
      assert.doesNotMatch(r.err, /Unhandled|outcome rejected|lost update/);
      const s = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
      assert.equal(s.configs.length, 4, 'every configuration has a result');
      assert.match(byVariant(s, 'async-invariant').invariants.find((i) => i.name === 'holds')!.samples[0]!.details, /invariant returned Promise/);
      // A key that is not a string is kept in words (graded as the suite's table says: here not at all).
      assert.match(byVariant(s, 'outcome-rejects').outcomes[0]!.outcome, /Promise/);
      const named = byVariant(s, 'thread-name-object');
      assert.equal(named.status, 'error');
      assert.match(named.errors.samples[0]!.message, /threadName returned .*; expected a string/);
      assert.equal(byVariant(s, 'fine').status, 'pass');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says so and exits 3, not 0, when suite code let a promise reject with no handler; the run and its reports complete (CLI)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stress-stray-'));
    try {
      const json = join(dir, 'out.json');
      const r = stress(['run', fixture('stray-rejection'), '--runs', '3', '--jitter', 'none', '--seed', 'stray', '--json', json]);
      assert.equal(r.code, 3, r.out + r.err);
      assert.match(r.err, /a promise rejected with no handler \(in suite or reporter code\?\): stray from setup/);
      assert.match(r.err, /unhandled promise rejections? during the run: exit code 3, not 0/);
      const s = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
      assert.equal(s.configs[0]!.trials, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not let a suite that broke its workers give another suite\'s configurations false errors; a replaced push is that trial\'s error, not a loop', async () => {
    // Before: the frozen Atomics stayed broken and the counter suite after it erred in every trial;
    // the replaced push made every batch return no results, run again forever; the replaced
    // Lock.prototype.acquire (nothing the harness guards) made the counter's correct variant err.
    // Now the trial loop records a trial's outcome only after the actor guard has put push back.
    const s = await runAll({ suites: [fixture('poisons-worker'), 'counter'], grep: '(poisons-worker|counter/locked/t2/c-all/j-none)', runs: 40, jitter: ['none'], seed: 'poison' });
    const frozen = byVariant(s, 'freezes-atomics');
    assert.equal(frozen.status, 'error');
    assert.match(frozen.errors.samples[0]!.message, /could not be restored, so this worker is replaced/);
    const push = byVariant(s, 'replaces-push');
    assert.equal(push.status, 'error');
    assert.deepEqual([push.errors.count, push.errors.samples[0]!.trial, push.trials], [1, 0, 40]);
    assert.match(push.errors.samples[0]!.message, /the actor replaced Array\.prototype\.push, which the harness's trial loop runs on \(restored for the next trial\)/);
    assert.equal(byVariant(s, 'breaks-lock').status, 'error');
    const counter = byVariant(s, 'locked');
    assert.equal(counter.status, 'pass', JSON.stringify(counter.errors.samples[0]));
    assert.equal(counter.trials, 40);
  });

  it('reports an out-of-memory worker in the trial it was in, and runs the batch\'s other trials again', async () => {
    const s = await runAll({ suites: [fixture('eats-memory-in-trial-1')], runs: 4, timeoutMs: 60_000, workerHeapMb: 64, jitter: ['none'], seed: 'oom1' });
    const r = s.configs[0]!;
    assert.equal(r.status, 'error');
    assert.equal(r.errors.count, 1);
    assert.equal(r.errors.samples[0]!.trial, 1);
    assert.match(r.errors.samples[0]!.message, /t0's worker failed: .*memory/);
    assert.equal(r.trials, 3, 'trials 0, 2 and 3 were graded');
  });

  it('reports a trial that had stalled when the run was interrupted as a hang, not as a configuration where nothing ran', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stress-stall-'));
    try {
      const marker = join(dir, 'stalled');
      // Interrupt once trial 3 has been stalled for a while (well inside its 60 s timeout).
      const interrupt = abortAfterMarker(marker, 700);
      let s: RunSummary;
      try {
        s = await runAll({ suites: [fixture('stalls-in-trial-3')], runs: 100, timeoutMs: 60_000, jitter: ['none'], seed: 'stall', params: { marker }, signal: interrupt.signal });
      } finally {
        interrupt.stop();
      }
      const r = s.configs[0]!;
      assert.equal(s.interrupted, true);
      assert.equal(r.status, 'hang');
      assert.equal(r.hangs.count, 1);
      const sample = r.invariants.find((i) => i.name === 'no hang')!.samples[0]!;
      assert.equal(sample.trial, 3);
      assert.match(sample.details, /^interrupted while the trial had made no progress for \d+ ms \(the 60000 ms hang timeout not reached\)/);
      assert.equal(s.exitCode, 130);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('interrupted while an in-worker trial stalls in thread 1: the trials before it, which thread 0 graded, are kept with their failures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stress-stall-iw-'));
    try {
      const marker = join(dir, 'stalled');
      const interrupt = abortAfterMarker(marker, 700);
      let s: RunSummary;
      try {
        s = await runAll({ suites: [fixture('stalls-in-workers')], runs: 1_000_000, timeoutMs: 60_000, jitter: ['none'], seed: 'stall-iw', params: { marker }, signal: interrupt.signal });
      } finally {
        interrupt.stop();
      }
      const r = s.configs[0]!;
      assert.equal(s.interrupted, true);
      assert.equal(r.hangs.count, 1);
      assert.equal(r.invariants.find((i) => i.name === 'no hang')!.samples[0]!.trial, 20_000);
      // Trials 0-19,999 finished (the batch in flight held thousands of them), and the stalled one.
      assert.equal(r.trials, 20_001);
      assert.equal(r.invariants.find((i) => i.name === 'not a thousandth')!.failures, 19);
      assert.equal(s.exitCode, 130);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not call an actor that prints for longer than the trial timeout hung: output is progress (CLI, default 1 s timeout)', () => {
    // 400,000 console.log lines per trial take 1-4 s here, with no primitive operation: this was a HANG.
    const c = spawnSync(process.execPath, [CLI, 'run', fixture('prints-lines'), '--runs', '2', '--jitter', 'none', '--seed', 'lines'], {
      encoding: 'utf8',
      timeout: 110_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' },
    });
    assert.equal(c.status, 0, c.stderr.slice(-2000));
    assert.match(c.stdout, /PASS\s+prints-lines\/default\/t2\/c-all\/j-none: 2 trials/);
  });

  it('keeps going when its stdout reader goes away (stress run | head): no trial waits for output that cannot drain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stress-epipe-'));
    try {
      const json = join(dir, 'out.json');
      const child = spawn(process.execPath, [CLI, 'run', fixture('prints-lines'), '--param', 'lines=100000', '--runs', '4', '--jitter', 'none', '--seed', 'epipe', '--json', json], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' },
      });
      // Like `head -1`: read the first chunk, then close the pipe.
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(null);
        }, 100_000);
        child.on('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      assert.equal(code, 0, 'the run ended on its own, with its verdict');
      const s = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
      assert.equal(s.configs[0]!.status, 'pass');
      assert.equal(s.configs[0]!.trials, 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('harness/time shares', function () {
  this.timeout(120_000);

  it('gives every configuration at least an equal share, and time left unused to the rest', () => {
    const shares = new TimeShares(4000, [true, true, false, true, true], 0);
    assert.equal(shares.equalShareMs, 1000);
    // On time: what is left, divided among the runnable configurations left (the skipped one gets none).
    assert.equal(shares.shareFor(0, 0), 1000);
    // Early (the first one stopped early): the rest get more.
    assert.equal(shares.shareFor(1, 100), 1300);
    // Late (earlier ones overran): never below the equal share.
    assert.equal(shares.shareFor(3, 3900), 1000);
    assert.equal(shares.shareFor(4, 9000), 1000);
  });

  it('ends time-budgeted configurations at their deadlines without an error: the batch queued behind a cut one replies with no trials', async () => {
    // Batches are pipelined at 2 threads on 2 cores: at the deadline the running batch and the one
    // queued behind it are both cut; the queued one returns no results, which is not a crash.
    const s = await runAll({ suites: ['counter'], grep: '^counter/(atomic|locked)/t2/', schedule: ['free'], timeBudgetMs: 1600, seed: 'cut' });
    assert.equal(s.configs.length, 4);
    for (const r of s.configs) {
      assert.equal(r.status, 'pass', `${r.config.key}: ${JSON.stringify(r.errors.samples[0])}`);
      assert.ok(r.trials > 0);
    }
  });

  it('does not starve the configurations after one that overran its share', async () => {
    // slow's first two batches (16 trials of 300 ms) outlast the whole 2 s budget. The three fast
    // configurations after it each still get 500 ms: thousands of trials, where the old sharing gave
    // them what was left of the budget (nothing) and so their first batches only (16 trials).
    const s = await runAll({ suites: [fixture('slow-first')], timeBudgetMs: 2000, jitter: ['none'], seed: 'shares' });
    for (const variant of ['fast-a', 'fast-b', 'fast-c']) {
      const r = byVariant(s, variant);
      assert.equal(r.status, 'pass');
      assert.ok(r.trials > 200, `${variant} ran ${r.trials} trials`);
    }
  });
});

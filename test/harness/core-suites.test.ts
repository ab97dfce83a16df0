/**
 * The correct variants of the core suites hold: every invariant, in every
 * trial, at 2 and 4 threads, free-running with no jitter and with spin-1us,
 * and controlled (the default schedule axis, free and ctl). (counter's
 * locked and atomic variants are covered the same way in run.test.ts.)
 * These run correct code only, so any failure is a real bug.
 */
import type { JitterName } from '../../harness/core/execute/jitter.js';
import assert from 'node:assert/strict';
import { run } from '../../harness/core/run.js';
import type { RunSummary } from '../../harness/core/grade/results.js';

const RUNS = 300;
const THREADS = [2, 4];
const JITTER: JitterName[] = ['none', 'spin-1us'];
/** Generous: on a loaded 2-core machine a correct trial must never look hung (it would fail "no hang"). */
const TIMEOUT_MS = 5000;

async function runAll(options: Parameters<typeof run>[0]): Promise<RunSummary> {
  for await (const e of run(options)) if (e.type === 'run-end') return e.summary;
  throw new Error('run ended without a summary');
}

/** Runs the named correct variants of a suite over the small matrix and checks every configuration held. */
async function holds(suite: string, variants: string[], invariants: string[]): Promise<void> {
  const s = await runAll({ suites: [suite], grep: `^${suite}/(${variants.join('|')})/`, threads: THREADS, jitter: JITTER, runs: RUNS, timeoutMs: TIMEOUT_MS, seed: `correct-${suite}` });
  assert.deepEqual(
    s.configs.map((r) => r.config.key).sort(),
    variants.flatMap((v) => THREADS.flatMap((t) => [...JITTER.map((j) => `${suite}/${v}/t${t}/c-all/j-${j}`), `${suite}/${v}/t${t}/c-all/j-none/s-ctl`])).sort(),
    'every planned configuration ran',
  );
  for (const r of s.configs) {
    assert.equal(r.config.canary, false, `${r.config.key} is a correct variant`);
    const failed = r.invariants.filter((i) => i.failures > 0).map((i) => `${i.name}: ${i.samples[0]?.details}`);
    assert.equal(r.status, 'pass', `${r.config.key}: ${JSON.stringify({ failed, hangs: r.hangs.samples, errors: r.errors.samples })}`);
    assert.equal(r.trials, RUNS, r.config.key);
    assert.equal(r.failedTrials, 0, r.config.key);
    for (const name of invariants) {
      const inv = r.invariants.find((i) => i.name === name);
      assert.ok(inv, `${r.config.key} checks "${name}"`);
      assert.equal(inv.trials, RUNS, `${r.config.key}: "${name}" was checked in every trial`);
      assert.equal(inv.failures, 0);
    }
  }
  assert.equal(s.exitCode, 0);
}

describe('core suites: correct variants hold', function () {
  this.timeout(120_000);

  it(`producer-consumer close and stop-event-drain: every message once, FIFO, capacity, consumers exit (${RUNS} trials per configuration)`, () =>
    holds('producer-consumer', ['close', 'stop-event-drain'], ['every message consumed exactly once', 'FIFO per producer', 'capacity never exceeded', 'every consumer exits', 'no hang']));

  it(`barrier-start with the shakedown Barrier: nobody passes early, one action per generation (${RUNS} trials per configuration)`, () =>
    holds('barrier-start', ['barrier'], ['no thread passes before all have arrived', 'one action per generation', 'no hang']));

  it(`deadlock ordered and rlock-recursion: no deadlock, no error, every critical section ran (${RUNS} trials per configuration)`, () =>
    holds('deadlock', ['ordered', 'rlock-recursion'], ['no deadlock', 'no other error', 'every critical section ran', 'no hang']));
});

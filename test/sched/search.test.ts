/**
 * The controlled search after a free-running failure (core/controlled-search.ts): real runs and
 * real worker groups. Detection budgets count trials and are sized from measured rates; the
 * search's own bound is a count of schedules; the no-search tests run correct code only.
 */
import assert from 'node:assert/strict';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { run } from '../../harness/core/run.js';
import { replay } from '../../harness/core/replay.js';
import { plan, configKey } from '../../harness/core/plan/plan.js';
import { loadSuite } from '../../harness/core/plan/load-suite.js';
import { WorkerGroups } from '../../harness/core/execute/pools.js';
import { runConfiguration } from '../../harness/core/run-configuration.js';
import { decodeReplay } from '../../harness/core/record/replay-token.js';
import { SEARCH_MAX_TRIALS, controlledTwin, newSearchState, searchControlled, shouldSearch } from '../../harness/core/controlled-search.js';
import { DEADLOCK_INVARIANT, HANG_INVARIANT } from '../../harness/core/grade/harness-invariants.js';
import type { ConfigResult, Configuration } from '../../harness/core/grade/results.js';
import type { RunOptions } from '../../harness/core/settings/run-options.js';
import { AS_WRITTEN, firstFailureLines } from '../../reporters/failure-text.js';
import { replayCommand } from '../../harness/core/record/replay-token.js';
import { accumulate } from '../../harness/core/record/soak-merge.js';

const fixtureUrl = (name: string): string => pathToFileURL(fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url))).href;
const fixturePath = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));

async function configEnds(options: RunOptions): Promise<ConfigResult[]> {
  const results: ConfigResult[] = [];
  for await (const e of run(options)) if (e.type === 'config-end') results.push(e.result);
  return results;
}

/** A finished free configuration that failed `invariant` in trial 0: the search's input, without the free run. */
function freeFailure(config: Configuration, invariant: string): ConfigResult {
  return {
    config,
    status: 'fail',
    trials: 1,
    failedTrials: 1,
    invariants: [{ name: invariant, trials: 1, failures: 1, rate: 1, interval: [0.2, 1], status: 'fail', samples: [{ trial: 0, details: 'failed', trace: [], replay: 'free-token' }] }],
    outcomes: [],
    hangs: { count: 0, samples: [] },
    errors: { count: 0, samples: [] },
    durationMs: 1,
  };
}

describe('controlled search after a free-running failure (real workers)', function () {
  this.timeout(300_000);
  const groups = new WorkerGroups();
  after(() => groups.close());

  it('gives a free counter/unlocked failure a controlled token (the key --schedule ctl plans), which replays 100 of 100', async () => {
    // Free-running with 50 plain increments per thread, measured: 6.8%, 21% and 47% of trials
    // lost an update (3 runs of 500). 3,000 trials miss at 6.8% with odds 0.932^3000 < 1e-90;
    // max-failures 1 stops the free part at the first failure.
    const options: RunOptions = { suites: ['counter'], grep: 'unlocked', threads: [2], jitter: ['none'], schedule: ['free'], params: { increments: 50 }, runs: 3000, maxFailures: 1, seed: 'search-counter' };
    const [result] = await configEnds(options);
    assert.ok(result !== undefined && result.config.schedule === undefined);
    const inv = result.invariants.find((i) => i.name === 'no lost update')!;
    assert.ok(inv.failures > 0, 'the free run caught it');
    const controlled = inv.samples[0]!.controlled;
    assert.ok(controlled?.replay !== undefined, `a controlled token: ${JSON.stringify(controlled)}`);
    assert.ok(controlled.schedules >= 1 && controlled.schedules <= SEARCH_MAX_TRIALS);
    assert.match(controlled.schedule.hash, /^[0-9a-f]{8}$/);
    // The token names the configuration --schedule ctl plans for the same suite, variant and threads.
    const [planned] = await plan({ suites: ['counter'], seed: 'search-counter', threads: [2], schedule: ['ctl'], grep: 'unlocked', params: { increments: 50 } }, false);
    const target = decodeReplay(controlled.replay);
    assert.equal(configKey(target), planned!.config.key);
    assert.equal(planned!.config.key, 'counter/unlocked/t2/c-all/j-none/s-ctl');
    assert.ok(target.scheduleSpec !== undefined, 'the token carries its schedule');
    // Shown under the free replay line.
    const lines = firstFailureLines(inv, '  ', AS_WRITTEN);
    assert.equal(lines[2], `  controlled replay (exact, every time): ${replayCommand(controlled.replay)}`);
    // Exact, every time.
    const again = await replay(controlled.replay, { runs: 100 });
    assert.equal(again.trials, 100);
    assert.equal(again.failedTrials, 100);
    assert.ok(again.invariants.find((i) => i.name === 'no lost update')!.failures === 100);
  });

  it('says no controlled schedule reproduced a race between plain accesses, after exactly the bound of schedules', async () => {
    // Free-running, measured (6 runs of 300, load 5-8): 26% to 91% of trials lost an update, the
    // first failure by trial 47 at the latest; failures come in stretches, so the budget assumes
    // far less: at 1%, 2,000 trials miss with odds 0.99^2000 < 1e-8 (max-failures 1 stops the
    // free part at the first). Under control it cannot fail: no point falls between the plain
    // read and write.
    const [result] = await configEnds({ suites: [fixturePath('plain-race')], schedule: ['free'], jitter: ['none'], runs: 2000, maxFailures: 1, seed: 'search-plain' });
    const inv = result!.invariants.find((i) => i.name === 'no lost update')!;
    assert.ok(inv.failures > 0, 'the free run caught it');
    const controlled = inv.samples[0]!.controlled;
    assert.deepEqual({ replay: controlled?.replay, schedules: controlled?.schedules }, { replay: undefined, schedules: SEARCH_MAX_TRIALS });
    const lines = firstFailureLines(inv, '  ', AS_WRITTEN);
    assert.equal(lines[2], `  no controlled schedule reproduced it in 2,000 schedules: it may need a race between plain reads and writes (add yieldPoint) or real timing`);
    // Later samples of the invariant are not searched again.
    for (const s of inv.samples.slice(1)) assert.equal(s.controlled, undefined);
  });

  it('matches a free hang with a controlled deadlock (lost wakeup), whose token replays 100 of 100; a second free configuration reuses the answer', async () => {
    const url = fixtureUrl('locks');
    const suite = await loadSuite(url);
    const base = { suite: 'sched-locks', suiteUrl: url, variant: 'no-notify', canary: true, threads: 2, params: { acquisitions: 2 }, seed: 'search-hang' };
    const free: Configuration = { ...base, key: configKey({ ...base, cores: 'all', jitter: 'none' }), cores: 'all', jitter: 'none' };
    const state = newSearchState();
    const options = { timeoutMs: 1000, traceEvents: 16, groups };
    // Measured (design, section 4): 83% of random walks and 29.6% of PCT d=2 schedules deadlock; the portfolio's 2,000 cannot all miss.
    const searched = await searchControlled(suite, freeFailure(free, HANG_INVARIANT), state, options);
    const controlled = searched.invariants[0]!.samples[0]!.controlled;
    assert.ok(controlled?.replay !== undefined, JSON.stringify(controlled));
    const again = await replay(controlled.replay, { runs: 100 });
    assert.equal(again.failedTrials, 100);
    assert.equal(again.invariants.find((i) => i.name === DEADLOCK_INVARIANT)!.failures, 100);
    // The same (suite, variant, threads) pinned with jitter: the same controlled twin, so the answer is reused, not searched again.
    const pinned: Configuration = { ...base, key: configKey({ ...base, cores: 1, jitter: 'spin-1us' }), cores: 1, jitter: 'spin-1us' };
    assert.equal(controlledTwin(pinned).key, 'sched-locks/no-notify/t2/c-all/j-none/s-ctl');
    const reused = await searchControlled(suite, freeFailure(pinned, HANG_INVARIANT), state, options);
    assert.equal(reused.invariants[0]!.samples[0]!.controlled, controlled);
  });

  it('keeps the controlled answer on the first sample through soak totals and slice merges (accumulate)', () => {
    const config: Configuration = { key: 'counter/unlocked/t2/c-all/j-none', suite: 'counter', suiteUrl: 'x', variant: 'unlocked', canary: true, threads: 2, cores: 'all', jitter: 'none', params: {}, seed: 's' };
    const passing: ConfigResult = { ...freeFailure(config, 'no lost update'), failedTrials: 0, invariants: [{ name: 'no lost update', trials: 1, failures: 0, rate: 0, interval: [0, 0.8], status: 'pass', samples: [] }] };
    const failing = freeFailure(config, 'no lost update');
    const controlled = { schedules: 2000, ms: 900 };
    failing.invariants[0]!.samples[0]!.controlled = controlled;
    assert.deepEqual(accumulate(accumulate(undefined, passing), failing).invariants[0]!.samples[0]!.controlled, controlled);
    assert.deepEqual(accumulate(accumulate(undefined, failing), failing).invariants[0]!.samples[0]!.controlled, controlled);
  });

  it('starts no search for correct variants, harness errors alone, controlled configurations or a stopping run', async () => {
    const state = newSearchState();
    for (const p of await plan({ suites: ['counter'], seed: 'search-correct', threads: [2], jitter: ['none'], schedule: ['free'], grep: '^counter/(atomic|locked)/' }, false)) {
      const result = await runConfiguration(p, { timeoutMs: 1000, traceEvents: 16, budget: { runs: 200 }, groups, controlledSearch: state });
      assert.equal(result.failedTrials, 0, `${p.config.key} is correct`);
      assert.equal(shouldSearch(result), false);
      assert.ok(result.invariants.every((i) => i.samples.every((s) => s.controlled === undefined)));
    }
    assert.equal(state.answers.size, 0, 'no search ran');
    const config: Configuration = { key: 'counter/unlocked/t2/c-all/j-none', suite: 'counter', suiteUrl: 'x', variant: 'unlocked', canary: true, threads: 2, cores: 'all', jitter: 'none', params: {}, seed: 's' };
    const errorsOnly: ConfigResult = { ...freeFailure(config, 'no lost update'), invariants: [], errors: { count: 1, samples: [{ trial: 0, thread: 0, name: 'Error', message: 'boom', replay: 't' }] } };
    assert.equal(shouldSearch(errorsOnly), false);
    assert.equal(shouldSearch(freeFailure({ ...config, schedule: 'ctl' }, 'no lost update')), false);
    const stop = new AbortController();
    stop.abort();
    assert.equal(shouldSearch(freeFailure(config, 'no lost update'), stop.signal), false);
    assert.equal(shouldSearch(freeFailure(config, 'no lost update')), true);
  });
});

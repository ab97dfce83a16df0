/**
 * "Every random decision comes from seedrandom through one seam, derived from
 * the master seed, the configuration and the trial index: the same seed gives
 * the same jitter decisions." Checked on the seam itself (rng.ts), and end to
 * end with a fixture that records each thread's jitter decisions and
 * ctx.random() draws in its outcome (fixtures/records-draws.ts): no timing is
 * compared anywhere, so these tests are exact.
 */
import type { JitterName } from '../../harness/core/execute/jitter.js';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { run } from '../../harness/core/run.js';
import { runConfiguration } from '../../harness/core/run-configuration.js';
import type { ConfigResult, RunSummary } from '../../harness/core/grade/results.js';
import { newSeed, threadRng, trialRng } from '../../harness/core/shared/rng.js';
import { JITTER_PROFILES } from '../../harness/core/execute/jitter.js';
import { loadSuite } from '../../harness/core/plan/load-suite.js';
import { parseOutcome } from './fixtures/records-draws.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/records-draws.js', import.meta.url));
const RUNS = 200;

async function runAll(options: Parameters<typeof run>[0]): Promise<RunSummary> {
  for await (const e of run(options)) if (e.type === 'run-end') return e.summary;
  throw new Error('run ended without a summary');
}

/** One configuration of the fixture: 2 threads, all cores, the given jitter. */
async function recorded(seed: string, jitter: JitterName): Promise<ConfigResult> {
  const s = await runAll({ suites: [FIXTURE], threads: [2], jitter: [jitter], schedule: ['free'], runs: RUNS, seed, timeoutMs: 10_000 });
  assert.equal(s.configs.length, 1);
  const r = s.configs[0]!;
  assert.equal(r.status, 'pass', JSON.stringify(r.errors));
  assert.equal(r.trials, RUNS);
  return r;
}

/** Outcome key -> count, as a plain object (order-free comparison). */
const histogram = (r: ConfigResult): Record<string, number> => Object.fromEntries(r.outcomes.map((o) => [o.outcome, o.count]));

/** A yield point the jitter delayed read the clock at least twice besides the trace's one read. */
const delayed = (reads: number): boolean => reads >= 2;

const take = (rng: () => number, n: number): number[] => Array.from({ length: n }, () => rng());

describe('harness/determinism', function () {
  this.timeout(60_000);

  describe('the seam (rng.ts)', () => {
    it('gives the same stream for the same seed, configuration and trial, and another when any of them changes', () => {
      const base = take(trialRng('s1', 'suite/v/t2/c-all/j-spin-1us', 7), 8);
      assert.deepEqual(take(trialRng('s1', 'suite/v/t2/c-all/j-spin-1us', 7), 8), base);
      assert.notDeepEqual(take(trialRng('s2', 'suite/v/t2/c-all/j-spin-1us', 7), 8), base, 'another seed');
      assert.notDeepEqual(take(trialRng('s1', 'suite/v/t4/c-all/j-spin-1us', 7), 8), base, 'another configuration');
      assert.notDeepEqual(take(trialRng('s1', 'suite/v/t2/c-all/j-spin-1us', 8), 8), base, 'another trial');
      for (const x of base) assert.ok(x >= 0 && x < 1);
    });

    it('gives each thread of a trial its own reproducible stream', () => {
      const t0 = take(threadRng('s1', 'k', 3, 0), 8);
      assert.deepEqual(take(threadRng('s1', 'k', 3, 0), 8), t0);
      assert.notDeepEqual(take(threadRng('s1', 'k', 3, 1), 8), t0);
    });

    it('makes a printable master seed when none is given', () => {
      assert.match(newSeed(), /^[0-9a-f]{8}$/);
    });
  });

  describe('end to end (records-draws fixture)', () => {
    it('makes the same jitter decisions and ctx.random() draws in two runs with the same seed, trial by trial', async () => {
      const a = await recorded('same-seed', 'spin-10us');
      const b = await recorded('same-seed', 'spin-10us');
      // The trial index is in every key: equal histograms mean equal decisions in each trial.
      assert.equal(a.outcomes.length, RUNS, 'one outcome per trial');
      assert.deepEqual(histogram(b), histogram(a));

      // The recording does see the jitter: a seeded fraction of trials is jittered (spin-10us: half),
      // and in those about half the yield points delay. Exact for this seed; the bounds are loose.
      const profile = JITTER_PROFILES['spin-10us'];
      const trials = a.outcomes.map((o) => parseOutcome(o.outcome));
      const jittered = trials.filter((t) => t.threads.some((th) => th.reads.some(delayed)));
      const share = jittered.length / RUNS;
      assert.ok(Math.abs(share - profile.trialFraction) < 0.15, `${jittered.length} of ${RUNS} trials jittered`);
      const points = jittered.flatMap((t) => t.threads.flatMap((th) => th.reads));
      const pointShare = points.filter(delayed).length / points.length;
      assert.ok(Math.abs(pointShare - profile.pointProbability) < 0.15, `${pointShare} of the yield points of jittered trials delayed`);
      // The decision to jitter a trial is derived from the trial alone: both of its threads delay somewhere
      // (a jittered thread passing all 16 points undelayed has chance 0.5^16; exact for this seed).
      for (const t of jittered) assert.ok(t.threads.every((th) => th.reads.some(delayed)), `trial ${t.trial}: ${JSON.stringify(t.threads)}`);
    });

    it('makes different decisions with a different seed', async () => {
      const a = await recorded('seed-a', 'spin-10us');
      const b = await recorded('seed-b', 'spin-10us');
      assert.notDeepEqual(histogram(b), histogram(a));
      const draws = (r: ConfigResult): number[][] => r.outcomes.map((o) => parseOutcome(o.outcome)).sort((x, y) => x.trial - y.trial).map((t) => t.threads[0]!.draws);
      const da = draws(a);
      const db = draws(b);
      const same = da.filter((d, i) => JSON.stringify(d) === JSON.stringify(db[i])).length;
      assert.equal(same, 0, 'no trial drew the same ctx.random() values under another seed');
    });

    it('injects no delay at all with jitter "none", while ctx.random() still draws from the seed', async () => {
      const r = await recorded('no-jitter', 'none');
      const trials = r.outcomes.map((o) => parseOutcome(o.outcome));
      for (const t of trials) {
        for (const th of t.threads) {
          assert.ok(!th.reads.some(delayed), `trial ${t.trial}: reads ${th.reads.join('.')}`);
          assert.ok(th.draws.every((d) => d >= 0 && d < 1), `draws ${th.draws.join(',')}`);
        }
      }
      assert.deepEqual(histogram(await recorded('no-jitter', 'none')), histogram(r));
    });

    it('replays a trial with exactly its jitter decisions and draws (fixedSeedTrial, as stress replay does)', async () => {
      const original = await recorded('replay-seed', 'spin-10us');
      const byTrial = new Map(original.outcomes.map((o) => parseOutcome(o.outcome)).map((t) => [t.trial, t.threads]));
      // A trial that was jittered, so the replay has decisions to get right.
      const target = [...byTrial].find(([, threads]) => threads.some((th) => th.reads.some(delayed)))?.[0];
      assert.ok(target !== undefined, 'some trial was jittered');
      const suite = await loadSuite(original.config.suiteUrl);
      const replay = await runConfiguration({ suite, config: { ...original.config } }, { timeoutMs: 10_000, traceEvents: 48, budget: { runs: 20 }, fixedSeedTrial: target });
      assert.equal(replay.trials, 20);
      for (const o of replay.outcomes) {
        assert.deepEqual(parseOutcome(o.outcome).threads, byTrial.get(target), `replayed outcome ${o.outcome}`);
      }
    });
  });
});

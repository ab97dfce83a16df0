/**
 * Issue 13, "stress replay reproduces a controlled failure in every run, tested on every canary
 * and every gallery bug": for each planted bug (the core suites' canaries and the conformance
 * gallery), a controlled run (`--schedule ctl`, the portfolio, 2 threads) finds it within a trial
 * budget sized from its measured per-trial rate, and the first failing trial's token, replayed
 * through the public replay() API with runs: 100, fails the same invariant in 100 of 100 runs.
 *
 * Budgets count trials, never time. Each bug's rate is the lowest measured for its own invariants
 * at t2 under ctl (survey, 200-500 trials per configuration, load average 3-7 on 2 cores, rounded
 * down below the 95% interval's lower end); the budget is the smallest n with (1 - p)^n <= 1e-6.
 * A controlled trial's outcome is a function of its schedule spec, so a seed either finds the bug
 * or not; the budget is what makes "not" a one-in-a-million seed.
 *
 * Only the bug's own invariants count as caught, so a failure of some other invariant cannot pass
 * for the bug (correct code under control is held by test/sched/correct-under-control.test.ts).
 * All 100 replays run for every bug (controlled trials here cost 0.2 to 15 ms each).
 */
import assert from 'node:assert/strict';
import { executeConfiguration } from '../../harness/core/execute/executor.js';
import { WorkerGroups } from '../../harness/core/execute/pools.js';
import { plan } from '../../harness/core/plan/plan.js';
import type { ConfigResult } from '../../harness/core/grade/results.js';
import { DEADLOCK_INVARIANT, LIVELOCK_INVARIANT } from '../../harness/core/grade/grade.js';
import { replay } from '../../harness/index.js';

/** One in a million: the most a seed may miss a bug the model catches. */
const MISS = 1e-6;
const budgetFor = (p: number): number => Math.ceil(Math.log(MISS) / Math.log(1 - p));
const REPLAYS = 100;

interface Bug {
  suite: string;
  variant: string;
  /** The invariants the planted bug shows as (a wrong result, or the model's named finding for a hang). */
  invariants: string[];
  /** Lowest measured per-trial rate of any of those invariants at t2 under ctl, rounded down. */
  p: number;
}

// Measured rates (t2, --schedule ctl) in brackets: the survey's runs at main e1bfc12, and the
// same canaries with early timeout firing off.
const BUGS: Bug[] = [
  // 35.4% of 500, 39.5% of 200
  { suite: 'counter', variant: 'unlocked', invariants: ['no lost update'], p: 0.3 },
  // consumed-exactly-once or a named lost wakeup: 42%+ of 500 (either), 94.5% of 200
  { suite: 'producer-consumer', variant: 'stop-event-race', invariants: ['every message consumed exactly once', DEADLOCK_INVARIANT], p: 0.35 },
  // 72.2% of 500, 76.5% of 200
  { suite: 'barrier-start', variant: 'early-release', invariants: ['no thread passes before all have arrived'], p: 0.6 },
  // 36.0% of 500, 34.0% of 200
  { suite: 'deadlock', variant: 'opposite-order', invariants: ['no deadlock'], p: 0.25 },
  // 100% of 500
  { suite: 'deadlock', variant: 'reacquire-lock', invariants: ['no deadlock'], p: 0.9 },
  // 33.5% of 200 (both)
  { suite: 'conformance/lock', variant: 'check-then-set-lock', invariants: ['mutual exclusion'], p: 0.25 },
  // the named lost wakeup: 62% of 200, 47.5% of 200
  { suite: 'conformance/lock', variant: 'release-without-notify-lock', invariants: [DEADLOCK_INVARIANT], p: 0.35 },
  // 52.0% of 200, 54.0% of 200
  { suite: 'conformance/semaphore', variant: 'one-too-many-semaphore', invariants: ['never more holders than permits'], p: 0.4 },
  // 96.5% of 200, 85.5% of 200
  { suite: 'conformance/barrier', variant: 'reset-on-leave-barrier', invariants: ['every thread passes every generation'], p: 0.75 },
  // the waiter that missed the notify keeps re-checking, or sleeps for good: 34.0% of 200, 32.5% of 200
  { suite: 'conformance/condition', variant: 'lost-notify-condition', invariants: [LIVELOCK_INVARIANT, DEADLOCK_INVARIANT], p: 0.25 },
  // 39.5% of 200, 37.5% of 200
  { suite: 'conformance/queue', variant: 'non-atomic-index-queue', invariants: ['no loss'], p: 0.3 },
  // the pulse missed: 11.3% of 4,536 (t2, a default-budget run of conformance/event, session 11)
  { suite: 'conformance/event', variant: 'flag-only-event', invariants: ['set releases every waiter asleep at that moment, even if clear follows (pulse)'], p: 0.08 },
];

/** The earliest failing trial of one of `names`: its invariant and token. */
function firstOf(result: ConfigResult, names: readonly string[]): { invariant: string; trial: number; token: string } | undefined {
  const samples = result.invariants
    .filter((i) => names.includes(i.name))
    .flatMap((i) => i.samples.map((s) => ({ invariant: i.name, trial: s.trial, token: s.replay, controlled: s.schedule !== undefined })))
    .filter((s) => s.controlled)
    .sort((a, b) => a.trial - b.trial);
  return samples[0];
}

describe('every canary and gallery bug: caught under control, and its token replays 100 of 100', function () {
  // Bounded by trials: the largest budget is 49 controlled trials, then 100 replays, per bug.
  this.timeout(180_000);
  const groups = new WorkerGroups();
  after(() => groups.close());

  for (const bug of BUGS) {
    const runs = budgetFor(bug.p);
    it(`${bug.suite}/${bug.variant}: caught within ${runs} controlled trials, replayed ${REPLAYS}/${REPLAYS}`, async () => {
      const [p] = (await plan({ suites: [bug.suite], schedule: ['ctl'], threads: [2], grep: `/${bug.variant}/`, seed: 'gallery-replay' }, false)).filter((x) => x.config.variant === bug.variant);
      assert.ok(p !== undefined && p.skip === undefined && p.config.canary, `planned ${bug.suite}/${bug.variant} under ctl`);
      const result = await executeConfiguration(p.suite, p.config, { timeoutMs: 1000, traceEvents: 16, budget: { runs }, groups });
      assert.equal(result.trials, runs);
      const first = firstOf(result, bug.invariants);
      assert.ok(first !== undefined, `caught as ${bug.invariants.join(' or ')} within ${runs} trials; failing invariants: ${result.invariants.filter((i) => i.failures > 0).map((i) => `${i.name} ${i.failures}`).join(', ') || 'none'}`);

      const again = await replay(first.token, { runs: REPLAYS });
      assert.equal(again.trials, REPLAYS);
      const same = again.invariants.find((i) => i.name === first.invariant);
      assert.equal(same?.failures, REPLAYS, `trial ${first.trial} (${first.invariant}) reproduced in ${same?.failures ?? 0} of ${REPLAYS} replays`);
    });
  }
});

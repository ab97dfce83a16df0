/**
 * The executor suite (suites/executor.ts): its three canaries are caught, each by the invariant
 * named for its bug, and its correct variants hold, free-running and under controlled scheduling.
 *
 * Budgets: under controlled scheduling (one thread at a time, seeded: no dependence on machine
 * load) the lowest per-trial detection rate measured at 2 threads was 19% (check-then-cancel;
 * shutdown-skips-queued 64%, ended-before-result 44%). p = 0.19 / 2 -> n >= 13.8 / 0.095 = 145
 * trials for a one-in-a-million miss; cap 3,000 (the run stops at the first failure).
 */
import assert from 'node:assert/strict';
import { run } from '../../harness/core/run.js';
import type { RunSummary } from '../../harness/core/grade/results.js';

async function summaryOf(options: Parameters<typeof run>[0]): Promise<RunSummary> {
  for await (const e of run(options)) if (e.type === 'run-end') return e.summary;
  throw new Error('run ended without a summary');
}

const CANARIES: Array<[variant: string, invariant: string]> = [
  ['check-then-cancel', 'cancel() is true only for work that never ran'],
  ['shutdown-skips-queued', 'shutdown(wait) returns only after all accepted work ended'],
  ['ended-before-result', 'join(timeout) never reports a live thread as ended'],
];

describe('executor suite', function () {
  this.timeout(120_000);

  for (const [variant, invariant] of CANARIES) {
    it(`${variant}: caught under controlled scheduling by "${invariant}"`, async () => {
      const s = await summaryOf({ suites: ['executor'], grep: `${variant}/t2/c-all/j-none/s-ctl$`, schedule: ['ctl'], threads: [2], runs: 3000, maxFailures: 1, seed: `executor-${variant}` });
      assert.equal(s.configs.length, 1);
      const r = s.configs[0]!;
      assert.equal(r.canaryVerdict, 'caught', `${r.config.key}: ${r.status}, ${r.trials} trials`);
      const failed = r.invariants.filter((i) => i.failures > 0).map((i) => i.name);
      assert.ok(failed.includes(invariant), `failed invariants: ${failed.join(', ')}`);
    });
  }

  it('the correct variants hold, free-running and controlled (2 and 4 threads)', async () => {
    const s = await summaryOf({ suites: ['executor'], grep: '/(cancel-vs-start|shutdown|join)/', schedule: ['free', 'ctl'], threads: [2, 4], jitter: ['none', 'spin-1us'], runs: 400, seed: 'executor-correct' });
    assert.equal(s.configs.length, 3 * 2 * 3);
    for (const r of s.configs) {
      assert.equal(r.status, 'pass', `${r.config.key}: ${r.status}`);
      assert.ok(r.trials >= 400, `${r.config.key}: ${r.trials} trials`);
    }
  });
});

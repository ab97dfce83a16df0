/**
 * A replay token names a configuration that this machine may not be able to run (more cores than
 * it has, no CPU affinity, fewer threads than the suite needs). `stress run` skips such a
 * configuration; a replay of it tests nothing, so it must say so and exit 4 (EXIT.NOTHING_RAN),
 * never "not reproduced" with exit 0.
 */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { stress } from '../helpers/cli.js';

function token(fields: Record<string, unknown>): string {
  const base = { v: 1, u: 'pkg:suites/counter.js', s: 'counter', va: 'unlocked', p: { increments: 3 }, t: 2, c: 'all', j: 'none', seed: 's', trial: 0, to: 1000 };
  return Buffer.from(JSON.stringify({ ...base, ...fields })).toString('base64url');
}

describe('stress replay: a configuration this machine cannot run', function () {
  this.timeout(120_000);

  it('says why (the reason stress run skips it with) and exits 4 for more cores than the machine has', () => {
    const cores = [availableParallelism() + 1, 4096];
    for (const c of cores) {
      const run = stress(['run', 'counter', '--grep', 'unlocked', '--threads', '2', '--cores', String(c), '--jitter', 'none', '--schedule', 'free', '--runs', '1']);
      assert.equal(run.code, 4, run.out + run.err);
      const reason = /SKIP\s+counter\/unlocked\/t2\/c-\d+\/j-none \[canary\]: (.+)/.exec(run.out)?.[1];
      assert.ok(reason, run.out);
      const r = stress(['replay', token({ c }), '--runs', '3']);
      assert.equal(r.code, 4, `c=${c}: ${r.out}${r.err}`);
      assert.match(r.out, /cannot replay counter\/unlocked\/t2\/c-\d+\/j-none here: /);
      assert.ok(r.out.includes(reason), `c=${c}: expected ${JSON.stringify(reason)} in ${r.out}`);
      assert.doesNotMatch(r.out, /reproduced/);
    }
  });

  it('says why and exits 4 for fewer threads than the suite needs', () => {
    const r = stress(['replay', token({ u: 'pkg:suites/producer-consumer.js', s: 'producer-consumer', va: 'close', p: {}, t: 1 }), '--runs', '3']);
    assert.equal(r.code, 4, r.out + r.err);
    assert.match(r.out, /cannot replay producer-consumer\/close\/t1\/c-all\/j-none here: producer-consumer needs at least 2 threads/);
    assert.doesNotMatch(r.out, /reproduced/);
  });

  it('refuses a trial timeout that is not a whole number of milliseconds from 1 (exit 2, ERR_REPLAY_TOKEN)', () => {
    for (const to of [0.001, 1e-300, 0.5, 1.5, 0, -1, 'x']) {
      const r = stress(['replay', token({ to }), '--runs', '1']);
      assert.equal(r.code, 2, `${to}: ${r.out}${r.err}`);
      assert.match(r.err, /field to \(trial timeout\) is .*; expected a whole number of milliseconds from 1 to 86400000 \[ERR_REPLAY_TOKEN\]/, String(to));
    }
  });
});

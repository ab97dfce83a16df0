/**
 * replay(token, options), the public API's replay, and what keeps a replay from drifting from
 * its run: the configuration (and so its key, from which every trial seed derives) that replay
 * rebuilds from a token equals the one the plan built, and the run's trace length comes back
 * with the token.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { replay, run, type RunOptions, type RunSummary } from '../../harness/index.js';
import { plan } from '../../harness/core/plan/plan.js';
import { prepareReplay } from '../../harness/core/replay.js';
import { decodeReplay, encodeReplay } from '../../harness/core/record/replay-token.js';
import { parseImpls } from '../../harness/core/settings/impls.js';
import { hasAffinity } from '../../harness/core/execute/pinned.js';
import { HarnessError } from '../../harness/core/shared/errors.js';
import type { ScheduleSpec } from '../../harness/core/schedule/types.js';
import { stress } from '../helpers/cli.js';

const DETERMINISTIC = fileURLToPath(new URL('./fixtures/deterministic.js', import.meta.url));
const OUR_LOCK = fileURLToPath(new URL('../../suites/impls/shakedown-lock.js', import.meta.url));

async function summaryOf(options: RunOptions): Promise<RunSummary> {
  const events = run(options);
  for (;;) {
    const next = await events.next();
    if (next.done === true) return next.value;
  }
}

/** The token of the first failing trial of a run of the deterministic fixture's "sevens" variant. */
async function failingToken(threads: number, extra: RunOptions = {}): Promise<string> {
  const summary = await summaryOf({ suites: [DETERMINISTIC], grep: `^deterministic/sevens/t${threads}/`, jitter: ['none'], runs: 20, seed: 'replay-api', ...extra });
  const sample = summary.configs[0]!.invariants.find((i) => i.failures > 0)?.samples[0];
  assert.ok(sample !== undefined, 'the fixture fails in some trial');
  return sample.replay;
}

/** Events of a trace, per thread. */
function perThread(trace: Array<{ thread: number }>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const e of trace) counts.set(e.thread, (counts.get(e.thread) ?? 0) + 1);
  return counts;
}

const NO_SETTINGS = { kind: 'option', values: {} } as const;

describe('harness/replay', function () {
  this.timeout(120_000);

  it('replay() reproduces a deterministic failure in every run, as stress replay does', async () => {
    const token = await failingToken(2);
    const result = await replay(token, { runs: 5 });
    assert.equal(result.trials, 5);
    assert.equal(result.failedTrials, 5);
    assert.equal(result.config.key, 'deterministic/sevens/t2/c-all/j-none');
    const stopped = await replay(token, { untilReproduced: true, runs: 50 });
    assert.equal(stopped.failedTrials >= 1 && stopped.trials < 50, true, `stopped after ${stopped.trials} trials`);
  });

  it('a failure in a controlled configuration gives a version 2 token naming its schedule, and replay() runs that configuration', async () => {
    const token = await failingToken(2, { schedule: ['ctl'] });
    const target = decodeReplay(token);
    assert.equal(target.schedule, 'ctl');
    assert.equal((JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v: unknown }).v, 2);
    const result = await replay(token, { runs: 3 });
    assert.equal(result.config.key, 'deterministic/sevens/t2/c-all/j-none/s-ctl');
    assert.equal(result.config.schedule, 'ctl');
    assert.equal(result.failedTrials, 3);
  });

  it('replay() checks its options and the token like stress replay', async () => {
    const token = await failingToken(1);
    await assert.rejects(replay(token, { runs: 0 }), (e) => e instanceof HarnessError && e.code === 'ERR_USAGE' && /^runs: "0" is not valid/.test(e.message));
    await assert.rejects(replay(token, { traceEvents: 5000 }), (e) => e instanceof HarnessError && e.code === 'ERR_USAGE' && /^traceEvents: /.test(e.message));
    await assert.rejects(replay(token, { impls: { lock: OUR_LOCK } }), (e) => e instanceof HarnessError && e.code === 'ERR_USAGE' && /impls lock=\.\.\.: suite "deterministic" takes no implementation/.test(e.message));
    await assert.rejects(replay('not a token!'), (e) => e instanceof HarnessError && e.code === 'ERR_REPLAY_TOKEN');
    // A token naming a module outside the working directory is refused (replay-trust.ts).
    const outside = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(token, 'base64url').toString('utf8')), u: 'file:///tmp/elsewhere/suite.js' })).toString('base64url');
    await assert.rejects(replay(outside), (e) => e instanceof HarnessError && e.code === 'ERR_REPLAY_TOKEN');
  });

  it('keeps the run\'s trace length: the token records --trace-events, and an explicit one wins', async () => {
    const token = await failingToken(2, { traceEvents: 1 });
    assert.equal(decodeReplay(token).traceEvents, 1);
    const traceOf = async (traceEvents?: number): Promise<Map<number, number>> => {
      const r = await replay(token, { runs: 1, ...(traceEvents !== undefined ? { traceEvents } : {}) });
      return perThread(r.invariants.find((i) => i.failures > 0)!.samples[0]!.trace);
    };
    assert.deepEqual([...(await traceOf()).values()], [1, 1], 'the run kept 1 event per thread: so does its replay');
    assert.deepEqual([...(await traceOf(48)).values()], [2, 2], 'both steps of each thread, asked for 48');
  });

  it('stress replay TOKEN --trace-events N keeps N events per thread', async () => {
    const token = await failingToken(2);
    const lines = (n: string): number => {
      const r = stress(['replay', token, '--runs', '1', '--trace', '--trace-events', n]);
      assert.equal(r.code, 1, r.out + r.err);
      return r.out.split('\n').filter((l) => /step-[ab] of t/.test(l)).length;
    };
    assert.equal(lines('1'), 2, 'one step per thread');
    assert.equal(lines('2'), 4, 'both steps of both threads');
    const bad = stress(['replay', token, '--trace-events', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--trace-events: "0" is not valid/);
  });

  it('rebuilds from a token the very configuration the plan built (key, params, impl), so trial seeds cannot drift', async () => {
    const impls = parseImpls('--impl', [`lock=${OUR_LOCK}`], process.cwd());
    const plans = [
      await plan({ suites: ['counter'], threads: [2, 3], cores: ['all', 1], jitter: ['none', 'spin-10us'], params: { increments: 7 }, seed: 'k1' }, hasAffinity()),
      await plan({ suites: [DETERMINISTIC], seed: 'k2' }, hasAffinity()),
      await plan({ suites: ['deadlock', 'producer-consumer'], jitter: ['sleep-1ms'], seed: 'k3' }, hasAffinity()),
      await plan({ suites: [], impls, threads: [2], seed: 'k4' }, hasAffinity()),
      // Controlled configurations (keys ending in /s-...), beside free ones of the same plan.
      await plan({ suites: ['counter', DETERMINISTIC], threads: [2, 3], cores: ['all', 1], schedule: ['free', 'ctl', 'random', 'pct:3'], seed: 'k5' }, hasAffinity()),
      await plan({ suites: [], impls, threads: [2], schedule: ['ctl', 'pct:10'], seed: 'k6' }, hasAffinity()),
    ];
    const planned = plans.flat();
    assert.ok(planned.length >= 20, `${planned.length} configurations`);
    assert.ok(planned.some((p) => p.config.impl === 'shakedown-lock'), 'a conformance configuration with --impl is among them');
    assert.ok(planned.some((p) => p.config.impl === 'shakedown-lock' && p.config.schedule === 'pct:10'), 'a controlled conformance configuration is among them');
    const specs: ScheduleSpec[] = [{ kind: 'random', seed: 11 }, { kind: 'pct', seed: 12, depth: 3, steps: 90 }, { kind: 'switches', switches: [[4, 1], [9, 0]] }];
    let controlled = 0;
    for (const [i, p] of planned.entries()) {
      const prepared = await prepareReplay({ token: encodeReplay(p.config, 3, 1000), settings: NO_SETTINGS, untilReproduced: false });
      assert.equal(prepared.work.config.key, p.config.key);
      assert.deepEqual(prepared.work.config, p.config, p.config.key);
      assert.equal(prepared.work.skip, p.skip, p.config.key);
      assert.equal(prepared.run.scheduleSpec, undefined, 'no spec in the token: the trial runs as the plan would run it');
      if (p.config.schedule === undefined) continue;
      // A controlled trial's token: the same configuration, and its exact schedule handed to the execution.
      controlled++;
      // A switch list names threads of the configuration: the last one, then t0.
      const given = specs[i % specs.length]!;
      const spec: ScheduleSpec = given.kind === 'switches' ? { kind: 'switches', switches: [[4, p.config.threads - 1], [9, 0]] } : given;
      const withSpec = await prepareReplay({ token: encodeReplay(p.config, 3, 1000, undefined, { spec, hash: '0123abcd' }), settings: NO_SETTINGS, untilReproduced: false });
      assert.deepEqual(withSpec.work.config, p.config, p.config.key);
      assert.deepEqual(withSpec.run.scheduleSpec, spec, p.config.key);
      assert.equal(withSpec.target.scheduleHash, '0123abcd');
    }
    assert.ok(controlled >= 10, `${controlled} controlled configurations`);
  });
});

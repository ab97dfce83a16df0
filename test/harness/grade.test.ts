/**
 * harness/grade: whatever an invariant or outcome function returns or throws, grading goes on and
 * keeps plain, bounded, JSON-safe samples with a readable reason. Graded directly, no workers.
 */
import assert from 'node:assert/strict';
import { ConfigGrader, OUTCOME_INVARIANT } from '../../harness/core/grade/grade.js';
import type { AnySuite } from '../../harness/core/plan/load-suite.js';
import type { ConfigResult, Configuration, FailureSample } from '../../harness/core/grade/results.js';
import { VALUE_CAP } from '../../harness/core/shared/safe-value.js';
import type { ActorOutcome, InvariantVerdict } from '../../harness/suite-api.js';

const config: Configuration = {
  key: 'odd/default/t1/c-all/j-none',
  suite: 'odd',
  suiteUrl: 'file:///odd.js',
  variant: 'default',
  canary: false,
  threads: 1,
  cores: 'all',
  jitter: 'none',
  params: {},
  seed: 'grade',
};

const ok: Array<ActorOutcome<unknown>> = [{ ok: true, value: null }];

/** One trial graded with these invariants (and outcome function), the result. */
function grade(invariants: Record<string, () => unknown>, outcome?: () => unknown, trials = 1, grading?: AnySuite['grading']): ConfigResult {
  const suite = {
    name: 'odd',
    description: 'odd values',
    setup: () => null,
    actor: () => null,
    invariants: invariants as Record<string, () => InvariantVerdict>,
    ...(outcome === undefined ? {} : { outcome: outcome as () => string }),
    ...(grading === undefined ? {} : { grading }),
  } as AnySuite;
  const grader = new ConfigGrader(suite, config, 1000);
  for (let t = 0; t < trials; t++) grader.addTrial(t, null, ok, () => []);
  return grader.result(1);
}

function sampleOf(r: ConfigResult, invariant: string): FailureSample {
  const inv = r.invariants.find((i) => i.name === invariant);
  assert.ok(inv, `invariant ${invariant}`);
  assert.equal(inv.failures, inv.trials, `${invariant} failed in every trial`);
  const s = inv.samples[0];
  assert.ok(s, `a sample of ${invariant}`);
  return s;
}

/** Every report writes results with JSON.stringify: it must work, and give the same data back. */
function assertJsonSafe(r: ConfigResult): void {
  const json = JSON.stringify(r);
  assert.deepEqual(JSON.parse(json), r);
}

const raise = (thrown: unknown) => (): never => {
  throw thrown;
};

describe('harness/grade', () => {
  it('keeps BigInt and cyclic expected/observed as readable JSON-safe data (issue 17 item 3)', () => {
    const ring: { name: string; next?: unknown } = { name: 'head' };
    ring.next = ring;
    const r = grade({
      bigint: () => ({ ok: false, expected: 2n ** 64n, observed: new BigInt64Array([-1n, 7n]) }),
      cyclic: () => ({ ok: false, expected: ring, observed: 'open' }),
    });
    const big = sampleOf(r, 'bigint');
    assert.equal(big.details, 'expected 18446744073709551616n, observed BigInt64Array(2) [-1n, 7n]');
    assert.equal(big.expected, '18446744073709551616n');
    assert.deepEqual(big.observed, ['-1n', '7n']);
    const cyc = sampleOf(r, 'cyclic');
    assert.equal(cyc.details, 'expected { name: "head", next: [Circular] }, observed "open"');
    assert.deepEqual(cyc.expected, { name: 'head', next: '[Circular]' });
    assertJsonSafe(r);
  });

  it('shows NaN as NaN, not null, and a Promise as one, not {} (issue 17 item 15)', () => {
    const r = grade({
      nan: () => ({ ok: false, expected: 0, observed: NaN }),
      promise: () => ({ ok: false, expected: 1, observed: Promise.resolve(1) }),
      'async invariant': () => Promise.resolve(true),
    });
    assert.equal(sampleOf(r, 'nan').details, 'expected 0, observed NaN');
    assert.equal(sampleOf(r, 'nan').observed, 'NaN');
    assert.equal(sampleOf(r, 'promise').details, "expected 1, observed Promise (an async function's result? await it)");
    assert.match(sampleOf(r, 'async invariant').details, /^invariant returned Promise \(an async function's result\? await it\); expected true\/false/);
    assertJsonSafe(r);
  });

  it('fails the trial, with the thrown value in words, whatever an invariant throws (issue 17 items 3, 15)', () => {
    const r = grade({
      undefined: raise(undefined),
      null: raise(null),
      string: raise('boom'),
      number: raise(42),
      bigint: raise(7n),
      object: raise({ code: 1 }),
      error: raise(new RangeError('out of range')),
      'error without message': raise(new TypeError()),
      holds: () => true,
    });
    const details = (name: string): string => sampleOf(r, name).details;
    assert.equal(details('undefined'), 'the invariant threw undefined');
    assert.equal(details('null'), 'the invariant threw null');
    assert.equal(details('string'), 'the invariant threw a string: "boom"');
    assert.equal(details('number'), 'the invariant threw a number: 42');
    assert.equal(details('bigint'), 'the invariant threw a BigInt: 7n');
    assert.equal(details('object'), 'the invariant threw an object: { code: 1 }');
    assert.equal(details('error'), 'the invariant threw RangeError: out of range');
    assert.equal(details('error without message'), 'the invariant threw TypeError (no message)');
    assert.equal(r.invariants.find((i) => i.name === 'holds')!.failures, 0, 'the other invariants are still graded');
    assert.equal(r.status, 'fail');
    assertJsonSafe(r);
  });

  it('fails the outcome check, not the run, whatever the outcome function throws; a thrown string is shown (issue 17 items 3, 15)', () => {
    for (const [thrown, words] of [
      [null, 'null'],
      [undefined, 'undefined'],
      ['boom', 'a string: "boom"'],
      [new Error('lost'), 'Error: lost'],
    ] as const) {
      const r = grade({ holds: () => true }, raise(thrown), 2);
      const s = sampleOf(r, OUTCOME_INVARIANT);
      assert.equal(s.details, `the outcome function threw ${words}`);
      assert.deepEqual(r.outcomes, [], 'a throw is not an outcome of the trial');
      assert.equal(r.failedTrials, 2);
      assertJsonSafe(r);
    }
  });

  it('reads a verdict with throwing getters or Proxy traps once, and fails the trial with the reason', () => {
    const r = grade({
      'throwing ok': () => ({
        get ok(): never {
          throw new Error('no ok');
        },
      }),
      'throwing observed': () => ({
        ok: false,
        expected: 1,
        get observed(): never {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- what the test is about
          throw 'gone';
        },
      }),
      proxy: () =>
        new Proxy(
          {},
          {
            get() {
              throw new Error('trap');
            },
          },
        ),
      'details not a string': () => ({ ok: false, details: { why: 1n } }),
    });
    assert.equal(sampleOf(r, 'throwing ok').details, "the invariant's verdict could not be read: Error: no ok");
    assert.equal(sampleOf(r, 'throwing observed').details, 'the invariant\'s verdict could not be read: a string: "gone"');
    assert.equal(sampleOf(r, 'proxy').details, "the invariant's verdict could not be read: Error: trap");
    assert.equal(sampleOf(r, 'details not a string').details, '{ why: 1n }');
    assertJsonSafe(r);
  });

  it('bounds every sample: huge values, huge details, huge string verdicts', () => {
    const huge = 'x'.repeat(1_000_000);
    const r = grade({
      'huge values': () => ({ ok: false, expected: new Float64Array(1_000_000), observed: { huge } }),
      'huge details': () => ({ ok: false, details: huge }),
      'huge string': () => huge,
    });
    for (const name of ['huge values', 'huge details', 'huge string']) {
      const s = sampleOf(r, name);
      assert.ok(JSON.stringify(s).length < 3 * VALUE_CAP + 5000, `${name}: ${JSON.stringify(s).length} characters`);
      assert.match(s.details, /more characters\)|more\]/, `${name} says it was cut`);
    }
  });

  it('grades an outcome named after an Object.prototype member by the suite\'s own table only', () => {
    const r = grade({ holds: () => true }, () => 'constructor', 1, { 'lost one': { grade: 'forbidden', description: 'a lost update' } });
    assert.deepEqual(
      r.outcomes.map((o) => [o.outcome, o.grade]),
      [['constructor', 'acceptable']],
    );
  });
});

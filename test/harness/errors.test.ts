/**
 * harness/errors: what an actor throws reaches the reports readable, whatever it is (issue 17
 * item 15: a thrown string was shown as "undefined" in places).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serializeError, thrownMessage } from '../../harness/core/shared/errors.js';
import { run } from '../../harness/core/run.js';
import { errorFinding } from '../../reporters/findings.js';
import { stress } from '../helpers/cli.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));

describe('harness/errors', () => {
  it('serializeError puts a thrown non-Error in words: string, number, BigInt, undefined, null, objects', () => {
    const cases: Array<[unknown, string]> = [
      ['boom', 'threw a string: "boom"'],
      [42, 'threw a number: 42'],
      [5n, 'threw a BigInt: 5n'],
      [undefined, 'threw undefined'],
      [null, 'threw null'],
      [{ code: 'E1' }, 'threw an object: { code: "E1" }'],
      [Object.create(null), 'threw an object: null prototype {}'],
      [Symbol('s'), 'threw a symbol: Symbol(s)'],
    ];
    for (const [thrown, message] of cases) assert.deepEqual(serializeError(thrown), { name: 'NonError', message });
  });

  it('serializeError keeps an Error\'s name, message, code and stack, and reads hostile ones without throwing', () => {
    const e = Object.assign(new RangeError('too far'), { code: 'ERR_FAR' });
    const s = serializeError(e);
    assert.equal(s.name, 'RangeError');
    assert.equal(s.message, 'too far');
    assert.equal(s.code, 'ERR_FAR');
    assert.match(s.stack!, /RangeError: too far/);

    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', {
      get(): never {
        throw new Error('no message for you');
      },
    });
    Object.defineProperty(hostile, 'name', { value: { not: 'a string' } });
    const h = serializeError(hostile);
    assert.equal(h.name, 'Error');
    assert.equal(h.message, '(unreadable: Error: no message for you)');

    const objectMessage = Object.assign(new Error(), { message: { why: 1n } as unknown as string });
    assert.equal(serializeError(objectMessage).message, '{ why: 1n }');
    const huge = serializeError(new Error('y'.repeat(1_000_000)));
    assert.ok(huge.message.length <= 4000 && huge.stack!.length <= 16_000);
    assert.doesNotThrow(() => structuredClone(h), 'plain data crosses to the main thread');
  });

  it('thrownMessage: an Error\'s message, or a non-Error in words', () => {
    assert.equal(thrownMessage(new Error('bad syntax')), 'bad syntax');
    assert.equal(thrownMessage(new TypeError()), 'TypeError (no message)');
    assert.equal(thrownMessage('boom'), 'threw a string: "boom"');
    assert.equal(thrownMessage(undefined), 'threw undefined');
  });

  it('a suite module that throws a string at import: the string is in the one-line error (CLI)', () => {
    const r = stress(['run', fixture('throws-string-on-import'), '--runs', '1']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /^stress: cannot load suite .*throws-string-on-import\.js: threw a string: "planted: a string thrown at import" \[ERR_SUITE_LOAD\]$/m);
  });

  it('an actor that throws a string: the error sample and its finding show the string', async function () {
    this.timeout(60_000);
    let configs = 0;
    for await (const e of run({ suites: [fixture('actor-throws-string')], runs: 2, jitter: ['none'], schedule: ['free'], seed: 'str' })) {
      if (e.type !== 'run-end') continue;
      const r = e.summary.configs[0]!;
      configs = e.summary.configs.length;
      assert.equal(r.errors.samples[0]!.message, 'threw a string: "boom"');
      assert.match(errorFinding(r)!.message, /NonError: threw a string: "boom"$/);
    }
    assert.equal(configs, 1);
  });
});

/**
 * harness/safe-value: any value suite code can put in a verdict or throw becomes plain, bounded
 * JSON data and one line of text, without ever throwing.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { VALUE_CAP, cut, describeThrown, safeValue, showValue } from '../../harness/core/shared/safe-value.js';

/** Values built to break a serialiser: throwing getters, toJSON and traps, revoked proxies, promises. */
function hostileValues(): unknown[] {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const trap = (): never => {
    throw new Error('trap');
  };
  return [
    {
      get boom(): never {
        throw new Error('getter');
      },
    },
    {
      toJSON(): never {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- what the test is about
        throw null;
      },
    },
    new Proxy({}, { ownKeys: trap, get: trap, getPrototypeOf: trap, has: trap }),
    new Proxy([1, 2], { get: trap }),
    revoked.proxy,
    Promise.resolve(1),
    (): number => 1,
    Symbol('s'),
    new TypeError(),
    new BigInt64Array([1n, -2n]),
    Object.create(null) as unknown,
  ];
}

function cyclic(): unknown {
  const ring: { name: string; self?: unknown; list: unknown[] } = { name: 'ring', list: [] };
  ring.self = ring;
  ring.list.push(ring, new Map([['back', ring]]));
  return ring;
}

describe('harness/safe-value', () => {
  it('shows and keeps values JSON cannot hold: BigInt, NaN, Infinity, -0, undefined, symbols, functions', () => {
    const cases: Array<[unknown, string]> = [
      [123n, '123n'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [-Infinity, '-Infinity'],
      [-0, '-0'],
      [undefined, 'undefined'],
      [Symbol('tag'), 'Symbol(tag)'],
      [function named(): void {}, '[Function named]'],
    ];
    for (const [v, text] of cases) {
      assert.equal(showValue(v), text);
      assert.equal(safeValue(v), text, `data for ${text}`);
    }
    assert.equal(showValue(null), 'null');
    assert.equal(showValue('a"b'), '"a\\"b"', 'strings are quoted');
    assert.deepEqual(safeValue({ a: [1, 'x', true, null] }), { a: [1, 'x', true, null] }, 'plain JSON is kept as it is');
  });

  it('shows a Promise as one (an async function not awaited), not as {}', () => {
    assert.equal(showValue(Promise.resolve(3)), "Promise (an async function's result? await it)");
    assert.deepEqual(safeValue({ p: Promise.resolve(3) }), { p: "Promise (an async function's result? await it)" });
  });

  it('marks cycles [Circular], and shows a value reached twice (not a cycle) twice', () => {
    assert.equal(showValue(cyclic()), '{ name: "ring", list: [[Circular], Map(1) { "back" => [Circular] }], self: [Circular] }');
    const shared = { n: 1 };
    assert.deepEqual(safeValue([shared, shared]), [{ n: 1 }, { n: 1 }]);
  });

  it('copies typed arrays (BigInt64Array included), Map, Set, Date, errors, buffers', () => {
    assert.equal(showValue(new BigInt64Array([-1n, 7n])), 'BigInt64Array(2) [-1n, 7n]');
    assert.deepEqual(safeValue(new BigInt64Array([-1n, 7n])), ['-1n', '7n']);
    assert.deepEqual(safeValue(new Int32Array([1, 2])), [1, 2]);
    assert.equal(showValue(new Map([[1, 'a']])), 'Map(1) { 1 => "a" }');
    assert.deepEqual(safeValue(new Map([[1, 'a']])), [[1, 'a']]);
    assert.equal(showValue(new Set([1, 2])), 'Set(2) [1, 2]');
    assert.equal(showValue(new Date(0)), 'Date(1970-01-01T00:00:00.000Z)');
    assert.equal(safeValue(new Date(0)), '1970-01-01T00:00:00.000Z');
    assert.equal(showValue(new Date(NaN)), 'Invalid Date');
    assert.equal(showValue(new RangeError('too far')), 'RangeError: too far');
    assert.equal(showValue(new TypeError()), 'TypeError (no message)');
    assert.equal(showValue(new DataView(new ArrayBuffer(8))), 'DataView(8 bytes)');
    assert.equal(showValue(new SharedArrayBuffer(16)), 'SharedArrayBuffer(16 bytes)');
  });

  it('reads hostile objects without throwing: throwing getters and toJSON, Proxy traps, revoked proxies', () => {
    const [getter, toJSON, proxy, arrayProxy, revoked] = hostileValues();
    assert.equal(showValue(getter), '{ boom: [unreadable: Error: getter] }');
    assert.equal(showValue(toJSON), '[unreadable: threw null]');
    assert.equal(showValue(proxy), '[unreadable: Error: trap]');
    assert.match(showValue(arrayProxy), /^\[unreadable: Error: trap\]$|\[\[unreadable: Error: trap\]/);
    assert.match(showValue(revoked), /^\[unreadable: TypeError: .*revoked/);
  });

  it('keeps a key named __proto__ as a key, not as the prototype', () => {
    const data = safeValue(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.deepEqual(Object.keys(data), ['__proto__']);
    assert.equal(JSON.stringify(data), '{"__proto__":{"polluted":true}}');
  });

  it('bounds huge strings, arrays, objects and deep nesting, saying what was left out', () => {
    const long = showValue('x'.repeat(100_000));
    assert.ok(long.length < 600, `${long.length} characters`);
    assert.match(long, /… \(\d+ more characters\)"$/);
    const many = safeValue(Array.from({ length: 100_000 }, (_, i) => i)) as unknown[];
    assert.ok(JSON.stringify(many).length <= VALUE_CAP);
    assert.match(String(many.at(-1)), /^… \d+ more$/);
    const keys = showValue(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])));
    assert.match(keys, /… \d+ more keys \}$/);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    assert.ok(showValue(deep).includes('[Array]'), 'nesting past the depth limit is shown by kind');
    assert.ok(showValue(10n ** 5000n).length < 600);
  });

  it('cuts text without splitting a surrogate pair', () => {
    const s = cut('😀'.repeat(100), 51);
    assert.ok(s.length <= 51);
    assert.doesNotThrow(() => encodeURIComponent(s), 'no lone surrogate');
  });

  it('describes what was thrown, whatever it was', () => {
    assert.equal(describeThrown(undefined), 'undefined');
    assert.equal(describeThrown(null), 'null');
    assert.equal(describeThrown('boom'), 'a string: "boom"');
    assert.equal(describeThrown(42), 'a number: 42');
    assert.equal(describeThrown(5n), 'a BigInt: 5n');
    assert.equal(describeThrown({ code: 1 }), 'an object: { code: 1 }');
    assert.equal(describeThrown(new Error('m')), 'Error: m');
    assert.equal(describeThrown(new RangeError()), 'RangeError (no message)');
    assert.equal(describeThrown(Object.create(null)), 'an object: null prototype {}');
    for (const v of hostileValues()) assert.equal(typeof describeThrown(v), 'string');
  });

  it('property: never throws, and always gives JSON.stringify-able data and text within the cap', () => {
    // fast-check looks into the values it generates (and hostile ones throw at it): the hostile
    // values are wrapped around the generated one afterwards, at a generated depth and order.
    const hostile = [...hostileValues(), cyclic(), NaN, -0, Infinity, 2n ** 70n, 'x'.repeat(5000), new Date(NaN)];
    const wrapIn = (v: unknown, picks: number[]): unknown => picks.reduce<unknown>((inner, i, k) => (k % 2 === 0 ? [hostile[i], inner] : { [`k${k}`]: inner, h: hostile[i] }), v);
    const anything = fc.anything({
      maxDepth: 4,
      withBigInt: true,
      withMap: true,
      withSet: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
      withNullPrototype: true,
      withBoxedValues: true,
      withObjectString: true,
      stringUnit: 'binary',
    });
    const picks = fc.array(fc.nat(hostile.length - 1), { maxLength: 6 });
    fc.assert(
      fc.property(anything, picks, fc.integer({ min: 2, max: VALUE_CAP * 2 }), (generated, chosen, cap) => {
        const v = wrapIn(generated, chosen);
        const data = safeValue(v, cap);
        const json = JSON.stringify(data);
        assert.equal(typeof json, 'string');
        assert.ok(json.length <= cap, `JSON of ${json.length} characters over a cap of ${cap}`);
        assert.deepEqual(JSON.parse(json), data, 'the data survives a JSON round trip unchanged');
        const text = showValue(v, cap);
        assert.ok(text.length <= cap, `text of ${text.length} characters over a cap of ${cap}`);
        assert.equal(typeof describeThrown(v), 'string');
      }),
      { numRuns: 500 },
    );
  });
});

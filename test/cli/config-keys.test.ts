/**
 * Config keys named after members every object inherits (issue 17, item 12): before, `toString`
 * or `constructor` at the top level of stress.config.json hit an internal TypeError (exit 3).
 * They are unknown keys like any other (exit 2); in `params` they cannot name a parameter (a
 * suite would read Object.prototype's member, and `__proto__` is never even set), and in `impl`
 * they are unknown kinds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stress } from '../helpers/cli.js';
import { checkRunOptions } from '../../harness/core/settings/run-options.js';
import { HarnessError } from '../../harness/core/shared/errors.js';

const INHERITED = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('cli: config keys named after Object.prototype members', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-keys-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** JSON text with `key` as an own key (a JS object literal would set the prototype for __proto__). */
  function config(name: string, json: string): string {
    const path = join(dir, name);
    writeFileSync(path, json);
    return path;
  }

  it('a misspelt key gets the closest known one', () => {
    const path = config('misspelt.json', '{"treads": [2]}');
    const r = stress(['list', 'counter', '--config', path]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.ok(r.err.includes(`${path}: unknown key "treads" (did you mean "threads"?); known keys: suites,`), r.err);
  });

  for (const key of INHERITED) {
    it(`top-level ${JSON.stringify(key)} is an unknown key (exit 2, ERR_CONFIG), not an internal error`, () => {
      const path = config(`top-${key}.json`, `{"runs": 1, ${JSON.stringify(key)}: 1}`);
      const r = stress(['list', 'counter', '--config', path]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.ok(r.err.includes(`${path}: unknown key ${JSON.stringify(key)}; known keys: suites,`), r.err);
      assert.match(r.err, /\[ERR_CONFIG\]/);
    });

    it(`params.${key} is refused as a parameter name (exit 2), from the file and from --param`, () => {
      const path = config(`params-${key}.json`, `{"params": {${JSON.stringify(key)}: 1}}`);
      const r = stress(['list', 'counter', '--config', path]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.ok(r.err.includes(`${path}: params: ${JSON.stringify(key)} is not a usable parameter name`), r.err);
      // From the command line, too: before, --param __proto__=1 was silently dropped.
      const flag = stress(['list', 'counter', '--param', `${key}=1`]);
      assert.equal(flag.code, 2, flag.out + flag.err);
      assert.ok(flag.err.includes(`--param: ${JSON.stringify(key)} is not a usable parameter name`), flag.err);
    });

    it(`impl.${key} is an unknown kind (exit 2)`, () => {
      const path = config(`impl-${key}.json`, `{"impl": {${JSON.stringify(key)}: "./x.js"}}`);
      const r = stress(['list', 'counter', '--config', path]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.ok(r.err.includes(`impl: unknown kind ${JSON.stringify(key)}; expected one of lock,`), r.err);
    });
  }

  it('a params value that is not a number, string or boolean is a config error naming it', () => {
    const path = config('params-object.json', '{"params": {"iterations": {"n": 1}}}');
    const r = stress(['list', 'counter', '--config', path]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.ok(r.err.includes(`${path}: params.iterations must be a number, string or boolean, got {"n":1}`), r.err);
  });

  it('run() refuses the same parameter names (programmatic API, stress.it)', () => {
    const params = JSON.parse('{"constructor": 1}') as Record<string, number>;
    assert.throws(() => checkRunOptions({ params }), (e) => e instanceof HarnessError && e.code === 'ERR_USAGE' && /run\(\): params: "constructor" is not a usable parameter name/.test(e.message));
    assert.doesNotThrow(() => checkRunOptions({ params: { iterations: 3 } }));
  });
});

/**
 * Reporter and config modules are user code, and user code can throw anything: undefined, null, a
 * symbol, or from a getter or Proxy trap. A module that cannot be loaded or read is a usage error
 * naming it (exit 2), with what was thrown in words; the CLI's own error handling never trips on
 * it (before the fix: "Cannot read properties of undefined (reading 'message')" or an internal
 * TypeError, exit 3). Fixture modules are written to a temporary directory; every child process
 * has a timeout.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stress } from '../helpers/cli.js';
import { commandErrorExit } from '../../harness/cli/command-error.js';
import { EXIT } from '../../harness/core/grade/verdict.js';

const DETERMINISTIC = fileURLToPath(new URL('../harness/fixtures/deterministic.js', import.meta.url));
const RUN = ['run', DETERMINISTIC, '--grep', 'clean', '--threads', '1', '--jitter', 'none', '--runs', '2', '--seed', 'thrown'];

describe('cli: thrown undefined, null or throwing getters in reporter and config modules', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-thrown-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  describe('a reporter that cannot be made or read: exit 2, named, nothing ran', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['factory-undefined', 'export default () => { throw undefined; };', /the reporter factory threw: threw undefined \[ERR_REPORTER\]/],
      ['finish-getter-undefined', 'export default () => ({ onEvent() {}, get finish() { throw undefined; } });', /cannot read the reporter's onEvent or finish \(a getter or Proxy trap threw\): threw undefined \[ERR_REPORTER\]/],
      ['on-event-getter-error', "export default () => ({ get onEvent() { throw new Error('onEvent getter'); }, finish() {} });", /cannot read the reporter's onEvent or finish \(a getter or Proxy trap threw\): onEvent getter \[ERR_REPORTER\]/],
      ['proxy-null', "export default () => new Proxy({}, { get(t, k) { if (k === 'then') return undefined; throw null; } });", /cannot read the reporter's onEvent or finish \(a getter or Proxy trap threw\): threw null \[ERR_REPORTER\]/],
    ];
    for (const [name, source, message] of cases) {
      it(name, () => {
        const reporter = write(`${name}.mjs`, `${source}\n`);
        const r = stress([...RUN, '--reporter', reporter], {}, 60_000);
        assert.equal(r.code, 2, r.out + r.err);
        assert.ok(r.err.startsWith(`stress: --reporter ${reporter}: `), `the reporter is named: ${r.err}`);
        assert.match(r.err, message);
        assert.doesNotMatch(r.err, /Cannot read properties|internal error/);
        assert.equal(r.out, '', 'nothing ran');
      });
    }
  });

  it('a reporter whose onEvent getter answers once, then throws: read once, at load; the run is unaffected (exit 0)', () => {
    // Before the fix the run read onEvent twice per event, outside the reporter's guard: the second
    // read threw out of the run (exit 3, "stress: second read", no reporter named).
    const reporter = write('getter-once.mjs', `export default () => {
  let reads = 0;
  return { get onEvent() { if (++reads > 1) throw new Error('second read'); return () => {}; }, finish() {} };
};
`);
    const r = stress([...RUN, '--reporter', reporter, '--reporter', 'console'], {}, 60_000);
    assert.equal(r.code, 0, r.out + r.err);
    assert.doesNotMatch(r.err, /second read/);
    assert.match(r.out, /PASS/);
  });

  describe('a config module that throws, or whose settings cannot be read: exit 2 (ERR_CONFIG) naming the file', () => {
    const cases: Array<[string, string, string]> = [
      ['throws-undefined', 'throw undefined;\n', 'cannot read config: threw undefined [ERR_CONFIG]'],
      ['runs-getter-null', 'export default { get runs() { throw null; } };\n', 'cannot read config (a getter or Proxy trap threw): threw null [ERR_CONFIG]'],
      ['keys-trap-undefined', 'export default new Proxy({}, { ownKeys() { throw undefined; } });\n', 'cannot read config (a getter or Proxy trap threw): threw undefined [ERR_CONFIG]'],
      ['param-getter', 'export default { params: { get n() { throw undefined; } } };\n', 'cannot read config (a getter or Proxy trap threw): threw undefined [ERR_CONFIG]'],
      ['bigint-runs', 'export default { runs: 5n };\n', 'runs must be a number, got 5n [ERR_CONFIG]'],
      ['bigint-param', 'export default { params: { n: 5n } };\n', 'params.n must be a number, string or boolean, got 5n [ERR_CONFIG]'],
      ['bigint-thread', 'export default { threads: [5n] };\n', 'threads must be an array of thread counts, got [5n] [ERR_CONFIG]'],
    ];
    for (const [name, source, message] of cases) {
      it(name, () => {
        const config = write(`${name}.config.mjs`, source);
        const r = stress(['list', 'counter', '--config', config], {}, 60_000);
        assert.equal(r.code, 2, r.out + r.err);
        assert.equal(r.err, `stress: ${config}: ${message}\n`);
      });
    }
  });

  describe("the CLI's last catch (harness/cli/command-error.ts) takes anything", () => {
    const odd: Array<[string, unknown, string]> = [
      ['undefined', undefined, 'stress: threw undefined\n'],
      ['null', null, 'stress: threw null\n'],
      ['a string', 'boom', 'stress: threw a string: "boom"\n'],
      [
        'an object whose code and message getters throw',
        {
          get code(): never {
            // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point of the case
            throw undefined;
          },
          get message(): never {
            // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point of the case
            throw null;
          },
        },
        'stress: threw an object: ',
      ],
    ];
    for (const [label, thrown, first] of odd) {
      it(label, () => {
        let text = '';
        const exit = commandErrorExit(thrown, true, () => true, (t) => (text += t));
        assert.equal(exit, EXIT.HARNESS, 'not a usage error: it has no code');
        assert.ok(text.startsWith(first), text);
      });
    }

    it('a usage code read safely: exit 2, the code shown', () => {
      let text = '';
      const err = Object.assign(new Error('bad flag'), { code: 'ERR_USAGE' });
      assert.equal(commandErrorExit(err, false, (c) => c === 'ERR_USAGE', (t) => (text += t)), EXIT.USAGE);
      assert.equal(text, 'stress: bad flag [ERR_USAGE]\n');
    });
  });
});

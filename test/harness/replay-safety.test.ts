/**
 * `stress replay <token>` with tokens from anyone: it loads only built-in suites and files under
 * the directory it runs in (or what the user names with --suite / --impl), checks every field,
 * carries BigInt parameters, and never sends a suite's control characters to the terminal.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI = fileURLToPath(new URL('../../harness/cli/main.js', import.meta.url));
const FAILS_ALWAYS = fileURLToPath(new URL('./fixtures/fails-always.js', import.meta.url));
const BIGINT_PARAM = fileURLToPath(new URL('./fixtures/bigint-param.js', import.meta.url));
const CONTROL_TEXT = fileURLToPath(new URL('./fixtures/control-text.js', import.meta.url));
const OUR_LOCK = new URL('../../suites/impls/shakedown-lock.js', import.meta.url).href;
/** The repository root (tests run from it): the fixtures lie under it. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function stressIn(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 90_000, env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function token(fields: Record<string, unknown>): string {
  const base = { v: 1, u: 'pkg:suites/counter.js', s: 'counter', va: 'unlocked', p: { increments: 3 }, t: 2, c: 'all', j: 'none', seed: 's', trial: 0, to: 1000 };
  return Buffer.from(JSON.stringify({ ...base, ...fields })).toString('base64url');
}

/** Any raw control character but the newline: what a terminal would act on. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;

describe('stress replay: what a token may do', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-replay-safety-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a data: URL suite without running its code, with any flags (exit 2, ERR_REPLAY_TOKEN, names --suite)', () => {
    const marker = join(dir, 'marker');
    const code = `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'ran'); export default {};`;
    const t = token({ u: `data:text/javascript,${encodeURIComponent(code)}` });
    for (const flags of [[], ['--until-reproduced'], ['--trace'], ['--runs', '3']]) {
      const r = stressIn(dir, 'replay', t, ...flags);
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.out}${r.err}`);
      assert.equal(existsSync(marker), false, 'the code in the token ran');
      assert.match(r.err, /replay token refused: its suite module is "data:text\/javascript.*a data: URL.*--suite FILE.*\[ERR_REPLAY_TOKEN\]/);
      assert.equal(r.out, '');
    }
  });

  it('refuses http:, https:, node: and other schemes, and a conformance implementation given as a data: URL', () => {
    for (const u of ['http://example.invalid/s.js', 'https://example.invalid/s.js', 'node:fs', 'blob:nodedata:x', 'just-a-path.js']) {
      const r = stressIn(dir, 'replay', token({ u }));
      assert.equal(r.code, 2, `${u}: ${r.out}${r.err}`);
      assert.match(r.err, /replay token refused: its suite module is .*\[ERR_REPLAY_TOKEN\]/, u);
    }
    const marker = join(dir, 'marker');
    const impl = `data:text/javascript,${encodeURIComponent(`import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'ran'); export default {};`)}`;
    const r = stressIn(dir, 'replay', token({ u: 'pkg:suites/conformance/lock.js', s: 'conformance/lock', va: 'shakedown-lock', p: { impl } }));
    assert.equal(r.code, 2, r.out + r.err);
    assert.equal(existsSync(marker), false, 'the implementation in the token ran');
    assert.match(r.err, /its lock implementation \(params\.impl\) is "data:.*--impl lock=FILE/);
  });

  it('refuses a file outside the current directory, also through .. or a symlink; --suite FILE allows it', () => {
    const outside = pathToFileURL(FAILS_ALWAYS).href;
    const fields = { s: 'fails-always', va: 'default', p: {}, t: 1 };
    const r = stressIn(dir, 'replay', token({ ...fields, u: outside }));
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /its suite module is ".*fails-always\.js", outside the current directory.*--suite FILE/);
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    symlinkSync(FAILS_ALWAYS, join(dir, 'link.js'));
    for (const [cwd, u] of [[sub, `cwd:${relative(sub, FAILS_ALWAYS)}`], [dir, 'cwd:link.js']] as const) {
      const escaped = stressIn(cwd, 'replay', token({ ...fields, u }));
      assert.equal(escaped.code, 2, `${u}: ${escaped.out}${escaped.err}`);
      assert.match(escaped.err, /replay token refused/, u);
    }
    const allowed = stressIn(dir, 'replay', token({ ...fields, u: outside }), '--suite', FAILS_ALWAYS, '--runs', '2');
    assert.equal(allowed.code, 1, allowed.out + allowed.err);
    assert.match(allowed.out, /reproduced in 2 of 2 runs/);
    // Under the current directory (here: the repository, as the run that printed it) it loads.
    const inCwd = stressIn(ROOT, 'replay', token({ ...fields, u: outside }), '--runs', '2');
    assert.equal(inCwd.code, 1, inCwd.out + inCwd.err);
  });

  it('refuses an implementation outside the current directory; --impl kind=FILE allows it', () => {
    const mine = join(dir, 'elsewhere', 'my-lock.mjs');
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(mine, `import lock from ${JSON.stringify(OUR_LOCK)};\nexport default { ...lock, name: 'my-lock' };\n`);
    const cwd = join(dir, 'project');
    mkdirSync(cwd);
    const t = token({ u: 'pkg:suites/conformance/lock.js', s: 'conformance/lock', va: 'my-lock', im: 'my-lock', p: { impl: pathToFileURL(mine).href, iterations: 5, depth: 1 }, pu: ['impl'] });
    const refused = stressIn(cwd, 'replay', t, '--runs', '2');
    assert.equal(refused.code, 2, refused.out + refused.err);
    assert.match(refused.err, /its lock implementation \(params\.impl\) is ".*my-lock\.mjs", outside the current directory.*--impl lock=FILE/);
    const allowed = stressIn(cwd, 'replay', t, '--impl', `lock=${mine}`, '--runs', '2');
    assert.equal(allowed.code, 0, allowed.out + allowed.err);
    assert.match(allowed.out, /replaying conformance\/lock\/my-lock\/t2/);
  });

  it('exits 2 naming the field for threads 0 or 9999, an unknown variant, and other bad fields', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ t: 0 }, /field t \(threads\) is 0; expected an integer from 1 to 256/],
      [{ t: 9999 }, /field t \(threads\) is 9999; expected an integer from 1 to 256/],
      [{ t: 1.5 }, /field t \(threads\)/],
      [{ va: 'no-such-variant' }, /field va \(variant\) is "no-such-variant", but suite "counter" has no such variant; expected one of "locked", "atomic", "unlocked"/],
      [{ va: 'toString' }, /field va \(variant\) is "toString"/],
      [{ j: 'lots' }, /field j \(jitter profile\) is "lots"; expected one of none, spin-1us/],
      [{ j: 'constructor' }, /field j \(jitter profile\)/],
      [{ c: 0 }, /field c \(cores\)/],
      [{ trial: -1 }, /field trial is -1; expected a whole number >= 0/],
      [{ trial: 2 ** 60 }, /field trial/],
      [{ seed: 42 }, /field seed \(master seed\) is 42; expected a non-empty string/],
      [{ v: 2 }, /field v \(version\) is 2/],
      [{ to: -5 }, /field to \(trial timeout\)/],
      [{ p: [] }, /field p \(parameters\) is \[\]; expected an object/],
      [{ extra: 1 }, /unknown field "extra"/],
    ];
    for (const [fields, message] of cases) {
      const r = stressIn(dir, 'replay', token(fields), '--runs', '2');
      assert.equal(r.code, 2, `${JSON.stringify(fields)}: ${r.out}${r.err}`);
      assert.match(r.err, message, JSON.stringify(fields));
      assert.match(r.err, /\[ERR_REPLAY_TOKEN\]/);
    }
  });

  it('refuses prototype keys in the parameters', () => {
    const raw = '{"v":1,"u":"pkg:suites/counter.js","s":"counter","va":"unlocked","p":{"__proto__":{"polluted":1}},"t":2,"c":"all","j":"none","seed":"s","trial":0,"to":1000}';
    const r = stressIn(dir, 'replay', Buffer.from(raw).toString('base64url'));
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /field p \(parameters\) has the key "__proto__" at "p"; prototype keys are refused/);
  });

  it('shows control characters of suite text escaped in replay output, --trace included', () => {
    const run = stressIn(ROOT, 'run', CONTROL_TEXT, '--runs', '1', '--jitter', 'none', '--seed', 'ctl');
    assert.equal(run.code, 1, run.out + run.err);
    const t = /replay: npx stress replay (\S+)/.exec(run.out)?.[1];
    assert.ok(t, run.out);
    const r = stressIn(ROOT, 'replay', t, '--runs', '2', '--trace');
    assert.equal(r.code, 1, r.out + r.err);
    assert.doesNotMatch(r.out, RAW_CONTROL, JSON.stringify(r.out));
    assert.match(r.out, /replaying control-text\/red\\x1b\[31m\/t1/);
    assert.match(r.out, /clears\\x1b\[2J the screen: 2 failures; e\.g\. details \\x1b\]0;new title\\x07 and \\x9b2J, a bell \\x07/);
  });

  it('carries a BigInt parameter: a failure of a suite with a BigInt default replays as a BigInt', () => {
    const run = stressIn(ROOT, 'run', BIGINT_PARAM, '--runs', '1', '--jitter', 'none', '--seed', 'big');
    assert.equal(run.code, 1, run.out + run.err);
    assert.match(run.out, /limit is the BigInt 5n/);
    const t = /replay: npx stress replay (\S+)/.exec(run.out)?.[1];
    assert.ok(t, run.out);
    const r = stressIn(ROOT, 'replay', t, '--runs', '3');
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /reproduced in 3 of 3 runs/);
    assert.match(r.out, /limit is the BigInt 5n/);
  });
});

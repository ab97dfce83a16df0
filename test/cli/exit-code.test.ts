/**
 * The exit code is the command's result, always set (issue 17, items 1 and 15): a module whose
 * top-level await never settles is a usage error naming it (exit 2), a run that cannot finish
 * says so and exits 3, a process.exit(0) from suite code is not a pass, and a run in which every
 * configuration was skipped exits 4 (nothing was tested). Fixture modules are written to a
 * temporary directory; every child process has a timeout.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, stress } from '../helpers/cli.js';

/** A suite that holds in every trial; `extra` adds or replaces members (as source text). */
function suiteSource(name: string, extra = ''): string {
  return `export default {
  name: ${JSON.stringify(name)}, description: 'fixture', threads: [1],
  setup: () => null, actor: () => null,
  invariants: { holds: () => true },
  ${extra}
};
`;
}

/**
 * `stress` as test/helpers/cli.ts runs it, but killed with SIGKILL at the timeout: `stress run`
 * handles SIGTERM (it stops the trials and reports), and a run stuck before its first trial would
 * outlive the helper's SIGTERM, leaving spawnSync waiting forever (as these cases did before the fix).
 */
function stressOrKill(args: string[], env: Record<string, string>, timeout: number): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout,
    killSignal: 'SIGKILL',
    env: { ...process.env, STRESS_SEED: '', GITHUB_STEP_SUMMARY: '', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A short import limit keeps the timeout cases quick; the default (30 s) is tested by the unit below. */
const SHORT_IMPORT = { STRESS_USER_CODE_TIMEOUT_MS: '1000' };

describe('cli: the exit code is always the command\'s result', function () {
  this.timeout(240_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-exit-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  describe('a user module whose top-level code never finishes is a usage error naming it (exit 2)', () => {
    // Two ways to never finish: a promise nothing will settle (the event loop drains; before the
    // fix the process ended with exit 0 and no results), and one whose loop stays busy (before
    // the fix the run waited forever).
    const NEVER = 'await new Promise(() => {});';
    const BUSY = 'await new Promise(() => { setInterval(() => {}, 1000); });';

    for (const [label, tla] of [['a promise that never settles', NEVER], ['a promise that never settles, the event loop kept busy', BUSY]] as const) {
      it(`a suite module awaiting ${label}`, () => {
        const suite = write(`suite-${label.length}.mjs`, `${tla}\n${suiteSource('never-loads')}`);
        const r = stressOrKill(['run', suite, '--runs', '1', '--jitter', 'none'], SHORT_IMPORT, 30_000);
        assert.equal(r.code, 2, r.out + r.err);
        assert.match(r.err, /cannot load suite file:.*suite-\d+\.mjs: its top-level code did not settle within 1 s \(STRESS_USER_CODE_TIMEOUT_MS\).*\[ERR_SUITE_LOAD\]/);
        // The busy module's interval would keep the process alive after the verdict: it ends anyway.
        if (tla === BUSY) assert.match(r.err, /keeps the process alive; exiting with exit code 2/);
      });

      it(`a config file (.mjs) awaiting ${label}`, () => {
        const config = write(`stress-${label.length}.config.mjs`, `${tla}\nexport default { runs: 1 };\n`);
        const r = stress(['list', 'counter', '--config', config], SHORT_IMPORT, 30_000);
        assert.equal(r.code, 2, r.out + r.err);
        assert.ok(r.err.includes(`${config}: cannot read config: its top-level code did not settle within 1 s (STRESS_USER_CODE_TIMEOUT_MS)`), r.err);
        assert.match(r.err, /\[ERR_CONFIG\]/);
      });

      it(`an --impl module awaiting ${label}`, () => {
        const impl = write(`impl-${label.length}.mjs`, `${tla}\nexport default {};\n`);
        const r = stress(['list', '--impl', `lock=${impl}`], SHORT_IMPORT, 30_000);
        assert.equal(r.code, 2, r.out + r.err);
        assert.match(r.err, /cannot load implementation file:.*impl-\d+\.mjs: its top-level code did not settle within 1 s \(STRESS_USER_CODE_TIMEOUT_MS\).*\[ERR_IMPL_CONTRACT\]/);
      });
    }
  });

  it('a run whose prepare never settles (first variant passes) reports it as an error of that configuration and exits 3, not 0', () => {
    const suite = write(
      'prepare-hangs.mjs',
      suiteSource(
        'prepare-hangs',
        `variants: { fine: { description: 'prepare returns' }, stuck: { description: 'prepare never settles' } },
  prepare: (ctx) => (ctx.variant === 'stuck' ? new Promise(() => {}) : undefined),`,
      ),
    );
    const json = join(dir, 'prepare-hangs.json');
    // The deadline on prepare() (1 s here) makes the stuck variant an error of its configuration; the run ends with its verdict.
    const r = stressOrKill(['run', suite, '--runs', '2', '--jitter', 'none', '--schedule', 'free', '--json', json], SHORT_IMPORT, 60_000);
    assert.equal(r.code, 3, r.out + r.err);
    assert.match(r.out, /ERROR\s+prepare-hangs\/stuck/);
    assert.match(r.out, /prepare\(\) on the main thread did not settle within 1 s \(STRESS_USER_CODE_TIMEOUT_MS\)/);
    assert.doesNotMatch(r.out, /exit code 0/);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as { configs: unknown[]; exitCode: number };
    assert.equal(summary.configs.length, 2, 'both configurations are in the summary');
    assert.equal(summary.exitCode, 3);
  });

  it('suite code calling process.exit(0) on the main thread does not pass the run: exit 3, saying why', () => {
    const suite = write('exits.mjs', suiteSource('exits').replace('setup: () => null', 'setup: () => process.exit(0)'));
    const r = stressOrKill(['run', suite, '--runs', '2', '--jitter', 'none'], {}, 60_000);
    assert.equal(r.code, 3, r.out + r.err);
    assert.match(r.err, /the process was ended with exit code 0 before stress run finished: did suite or reporter code call process\.exit\?/);
  });

  describe('the guard on its own', () => {
    // Whatever pending promise a command is left with (a reporter, a hook, the harness), the
    // guard is the last line: these do not depend on which watchdogs exist elsewhere.
    const GUARD = fileURLToPath(new URL('../../harness/cli/exit-guard.js', import.meta.url));
    const AWAITING = fileURLToPath(new URL('../../harness/core/shared/awaiting.js', import.meta.url));

    function script(body: string): { code: number | null; err: string } {
      const source = `import { guardExitCode } from ${JSON.stringify(GUARD)};
import { awaiting } from ${JSON.stringify(AWAITING)};
${body}
`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 30_000 });
      return { code: r.status, err: r.stderr };
    }

    it('a command that never settles: exit 3, naming the pending step', () => {
      const r = script(`guardExitCode(awaiting('loading suite ./x.js', () => new Promise(() => {})), 'stress run');`);
      assert.equal(r.code, 3, r.err);
      assert.match(r.err, /stress: the run could not finish: loading suite \.\/x\.js never settled, and nothing else was left to run\. No verdict: exit code 3\./);
    });

    it('a command that never settles, no step named: exit 3, saying what kind of code to suspect', () => {
      const r = script(`guardExitCode(new Promise(() => {}), 'stress run');`);
      assert.equal(r.code, 3, r.err);
      assert.match(r.err, /could not finish: a promise awaited by stress run \(in suite code such as prepare, a reporter, or the harness\) never settled/);
    });

    it('the command\'s own code wins over a later process.exitCode = 0; its 0 stays 0', () => {
      const failed = script(`guardExitCode(Promise.resolve(1), 'stress run'); setTimeout(() => { process.exitCode = 0; }, 10);`);
      assert.equal(failed.code, 1, failed.err);
      const passed = script(`guardExitCode(Promise.resolve(0), 'stress run');`);
      assert.equal(passed.code, 0, passed.err);
    });
  });

  describe('a run in which every configuration was skipped exits 4, not 0', () => {
    let suite: string;
    before(() => {
      suite = write('needs-two.mjs', suiteSource('needs-two', 'minThreads: 2,').replace('threads: [1]', 'threads: [1, 2]'));
    });

    it('every configuration skipped (too few threads): exit 4, the summary says so', () => {
      const json = join(dir, 'all-skipped.json');
      const r = stress(['run', suite, '--threads', '1', '--runs', '2', '--jitter', 'none', '--json', json]);
      assert.equal(r.code, 4, r.out + r.err);
      assert.match(r.out, /SKIPPED +needs-two\/default\/t1\/c-all\/j-none: needs-two needs at least 2 threads/);
      assert.match(r.out, /exit code 4$/m);
    });

    it('some ran, some skipped: judged by what ran, as before (exit 0)', () => {
      const r = stress(['run', suite, '--runs', '2', '--jitter', 'none']);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /SKIPPED +needs-two\/default\/t1/);
    });
  });
});

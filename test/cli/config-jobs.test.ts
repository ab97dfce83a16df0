/**
 * `jobs` above this machine's CPUs (issue 15: "a clear usage error or a stated clamp"). A config
 * file is committed once and runs on laptops and 2-core CI runners alike: its jobs is clamped to
 * the CPUs, with a warning naming the value, the file and the CPUs. The --jobs flag is typed for
 * this machine: above its CPUs it stays a usage error (exit 2). A flag wins over the file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOptionsFrom } from '../../harness/cli/options.js';
import { runCpus } from '../../harness/core/shared/cpus.js';
import { stress } from '../helpers/cli.js';

describe('cli: jobs above the CPUs', function () {
  this.timeout(120_000);
  const cores = runCpus().length;
  const many = cores + 6;
  let dir: string;
  let config: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-jobs-'));
    config = join(dir, 'stress.config.json');
    // One quick configuration: the test is about the setting, not the run.
    writeFileSync(config, JSON.stringify({ suites: ['counter'], grep: '^counter/atomic/t2/c-all/j-none$', threads: [2], jitter: ['none'], schedule: ['free'], runs: 5, seed: 'jobs', jobs: many }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const warning = (path: string): string => `stress: warning: ${path}: jobs: ${many} is more than the ${cores} CPUs this process may use; running ${cores} trial groups side by side`;

  it('from the config file: clamped to the CPUs, with a warning naming the value, the file and the CPUs', async () => {
    const { options, warnings } = await runOptionsFrom(['--config', config]);
    assert.equal(options.jobs, cores);
    assert.equal(warnings.length, 1);
    const r = stress(['run', '--config', config], {}, 90_000);
    assert.equal(r.code, 0, r.out + r.err);
    assert.ok(r.err.includes(warning(config)), r.err);
    assert.match(r.out, /^ {2}PASS {5}counter\/atomic\/t2\/c-all\/j-none: 5 trials/m);
  });

  it('from the --jobs flag: a usage error (exit 2) naming the flag and the CPUs', () => {
    const r = stress(['run', '--config', config, '--jobs', String(many)]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.ok(r.err.includes(`--jobs: "${many}" is not valid; expected auto or a whole number from 1 to ${cores} (the CPUs this process may use)`), r.err);
  });

  it('a flag within the CPUs wins over the file: no warning', async () => {
    const { options, warnings } = await runOptionsFrom(['--config', config, '--jobs', '1']);
    assert.equal(options.jobs, 1);
    assert.deepEqual(warnings, []);
  });

  it('any other bad value in the file is still a config error (exit 2)', () => {
    for (const bad of [0, 1.5, 'lots']) {
      const path = join(dir, `bad-${String(bad)}.json`);
      writeFileSync(path, JSON.stringify({ jobs: bad }));
      const r = stress(['list', 'counter', '--config', path]);
      assert.equal(r.code, 2, `${JSON.stringify(bad)}: ${r.out}${r.err}`);
      assert.ok(r.err.includes(`${path}: jobs: ${JSON.stringify(String(bad))} is not valid; expected auto or a whole number of 1 or more (above this machine's ${cores} CPU`), r.err);
    }
  });
});

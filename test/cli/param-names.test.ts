/**
 * --param and the config file's params must name parameters the run's suites declare: a misspelt
 * name used to run every configuration with the default and exit 0.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stress } from '../helpers/cli.js';
import { closestName } from '../../harness/core/shared/closest-name.js';

describe('cli: parameter names', function () {
  this.timeout(60_000);

  it('a misspelt --param is a usage error (exit 2) with a suggestion and the declared names, before any trial', () => {
    const r = stress(['run', 'counter', '--param', 'incremnts=3', '--runs', '10', '--jobs', '1']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /param "incremnts": no suite of this run declares it \(did you mean "increments"\?\); they declare: increments \[ERR_USAGE\]/);
    assert.doesNotMatch(r.out, /trials/);
  });

  it('a name declared by one suite of the run is accepted for the run; the config file is checked the same way', () => {
    const ok = stress(['run', 'counter', 'barrier-start', '--param', 'increments=2', '--runs', '5', '--jobs', '1', '--grep', 'atomic|correct', '--jitter', 'none', '--threads', '2']);
    assert.equal(ok.code, 0, ok.err);
    const dir = mkdtempSync(join(tmpdir(), 'param-names-'));
    writeFileSync(join(dir, 'stress.config.json'), JSON.stringify({ suites: ['counter'], params: { increment: 2 }, runs: 5 }));
    const bad = stress(['run', '--config', join(dir, 'stress.config.json'), '--jobs', '1']);
    assert.equal(bad.code, 2, bad.err);
    assert.match(bad.err, /param "increment": .*did you mean "increments"/);
  });

  it('suggests only close names', () => {
    assert.equal(closestName('incremnts', ['increments', 'seats']), 'increments');
    assert.equal(closestName('Seat', ['increments', 'seats']), 'seats');
    assert.equal(closestName('threads', ['increments', 'seats']), undefined);
  });
});

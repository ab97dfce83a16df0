/** `stress --version` (and -v, version) prints the package's version and exits 0; the help lists it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { stress } from '../helpers/cli.js';

describe('cli: --version', () => {
  it("prints package.json's version, exit 0, for --version, -v and version", () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.match(version, /^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-v', 'version']) {
      const r = stress([flag]);
      assert.deepEqual([r.code, r.out], [0, `${version}\n`], flag);
    }
    assert.match(stress(['--help']).out, /stress --version +the version of shakedown/);
  });
});

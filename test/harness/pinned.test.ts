/** --cores: which CPUs a pinned configuration gets, and that it reports progress like any other. */
import assert from 'node:assert/strict';
import { allowedCpus, cpuListFor, hasAffinity } from '../../harness/core/execute/pinned.js';
import { run } from '../../harness/core/run.js';

describe('harness/pinned', function () {
  this.timeout(60_000);

  it('pins to the first N CPUs this process may use, not to 0-(N-1)', () => {
    assert.equal(cpuListFor(2, [2, 3, 5]), '2,3');
    assert.equal(cpuListFor(1, [4]), '4');
    assert.equal(cpuListFor(2, []), '0-1', 'unknown allowed set: the old range');
    if (process.platform === 'linux') assert.ok(allowedCpus().length >= 1, 'Cpus_allowed_list was read');
  });

  it('a pinned configuration sends progress events while it runs', async function () {
    if (!hasAffinity()) {
      console.log('      SKIPPED: CPU affinity (taskset) is not available on this machine');
      this.skip();
    }
    let before = 0;
    let ended = false;
    for await (const e of run({ suites: ['counter'], grep: 'atomic', threads: [2], cores: [1], jitter: ['none'], timeBudgetMs: 3000, seed: 'pinned' })) {
      if (e.type === 'config-end') ended = true;
      if (e.type === 'progress' && !ended) before++;
    }
    // One progress event always comes with the result, just before config-end; any other came while
    // the child ran (its 3 s of trials start after the first batch, and progress is sent every second).
    assert.ok(before >= 2, `progress while the pinned configuration ran (${before - 1} events before its result)`);
  });
});

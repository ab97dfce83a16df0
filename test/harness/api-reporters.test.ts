/**
 * A programmatic run can write every report the CLI writes (issue 18, item 6): the built-in
 * reporters and the CLI's reporter context are exported from 'shakedown', and `jitter` takes the
 * profiles' names as a type (a misspelt one does not compile; at run time it is a usage error).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, junitReporter, jsonlReporter, reporterContext, type JitterName, type RunSummary } from 'shakedown';

describe('api: the built-in reporters from a programmatic run', function () {
  this.timeout(60_000);

  it('writes JUnit and JSON lines as the CLI does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-reporters-'));
    try {
      const ctx = reporterContext({});
      const reporters = [junitReporter(join(dir, 'r.xml'), ctx), jsonlReporter(join(dir, 'r.jsonl'), ctx)];
      const jitter: JitterName[] = ['none'];
      let summary: RunSummary | undefined;
      for await (const e of run({ suites: ['counter'], threads: [2], jitter, schedule: ['free'], runs: 20, seed: 'api' })) {
        for (const r of reporters) await r.onEvent?.(e);
        if (e.type === 'run-end') summary = e.summary;
      }
      for (const r of reporters) await r.finish?.(summary!);
      const xml = readFileSync(join(dir, 'r.xml'), 'utf8');
      // 3 variants x (no lost update, outcome is not forbidden, no hang, no harness error), plus the canary's verdict.
      assert.equal((xml.match(/<testcase /g) ?? []).length, 13);
      const lines = readFileSync(join(dir, 'r.jsonl'), 'utf8').trim().split('\n');
      assert.equal(lines.length, 5, 'header, three configurations, end');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

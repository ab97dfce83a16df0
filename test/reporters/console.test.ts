/** The console reporter shows user text, never runs it: control characters in names and details are escaped. */
import assert from 'node:assert/strict';
import { consoleReporter } from '../../reporters/console-reporter.js';
import { describeFailure, formatConfigLine, formatSummary } from '../../reporters/console.js';
import { traceLines } from '../../reporters/trace-text.js';
import { memoryContext } from './fixtures/memory-context.js';
import { mixedSummary } from './fixtures/summaries.js';

// Every C0 control but the newline, DEL and C1 (0x9B is a one-byte CSI on some terminals).
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;

describe('reporters/console', () => {
  it('escapes control characters in suite, variant and invariant names, details and messages as \\xNN', async () => {
    const s = mixedSummary();
    const ctx = memoryContext();
    const r = consoleReporter(undefined, ctx);
    for (const [index, result] of s.configs.entries()) await r.onEvent?.({ type: 'config-end', result, index, total: s.configs.length });
    await r.onEvent?.({ type: 'run-end', summary: s });
    await r.finish?.(s);
    const out = ctx.stdout.join('');
    assert.doesNotMatch(out, RAW_CONTROL);
    // The hostile suite's line, its invariant and details, the error message, the summary table row, the trace's thread name.
    assert.match(out, /FAIL {5}evil <script>alert\("x&y"\)<\/script> ' \]\]> \$' \$& \$` \\x01 \\x1b\[31m\/always\/t4/);
    assert.match(out, /invariant <script>.* \\x01 \\x1b\[31m: fail, 50 of 50 trials/);
    assert.match(out, /trial 3: details <script>.* \\x01 \\x1b\[31m\n/);
    assert.match(out, /TypeError: planted <script>.* \\x01 \\x1b\[31m\n/);
    assert.match(out, /t1 <script>alert\("x&y"\)<\/script> ' \]\]> \$' \$& \$` \\x01 \\x1b\[31m/);
  });

  it('keeps newlines in multi-line details but not in names, where one would forge a line', () => {
    const s = mixedSummary();
    const r = s.configs[1]!;
    r.config = { ...r.config, key: 'counter/racy\nPASS     forged/t2' };
    r.invariants[0]!.name = 'no lost\rupdate';
    r.invariants[0]!.samples[0]!.details = 'expected 2,\r\nobserved 1\u0007';
    const text = [formatConfigLine(r), ...describeFailure(r), formatSummary(s)].join('\n');
    assert.doesNotMatch(text, RAW_CONTROL);
    assert.doesNotMatch(text, /^PASS {5}forged/m, 'no line forged by a name');
    assert.match(text, /counter\/racy\\x0aPASS {5}forged\/t2/);
    assert.match(text, /no lost\\x0dupdate: flaky/);
    assert.match(text, /trial 3: expected 2,\n {8}observed 1\\x07/, 'a detail keeps its lines (CRLF as a newline), indented under its first');
    assert.match(traceLines([{ time: 0, thread: 0, threadName: 't\u001b0', op: 'user', primitive: 'step\u0000' }], '')[0]!, /^\+ +0\.0 us {2}t\\x1b0 +user +step\\x00$/);
  });
});

/** The Markdown summary, and its append to $GITHUB_STEP_SUMMARY with a flaky section. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownSummary, mdCode, mdText } from '../../reporters/markdown.js';
import { mixedSummary } from './fixtures/summaries.js';
import { stress } from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('../harness/fixtures/deterministic.js', import.meta.url));

describe('reporters/markdown', function () {
  this.timeout(60_000);

  it('has the verdict, a row per suite variant, a flaky section with replay commands, failures and canaries', () => {
    const md = markdownSummary(mixedSummary());
    assert.match(md, /^## shakedown: ❌ failed \(exit code 3\)/);
    assert.match(md, /\| counter\/racy \| \*\*flaky\*\* \| 1 \| 100 \| 7 \|/);
    assert.match(md, /### Flaky \(2\)\n[\s\S]*- `counter\/racy\/t2\/c-all\/j-spin-1us`: no lost update: flaky, failed in 7 of 100 trials[\s\S]*replay: `npx stress replay [A-Za-z0-9_-]+`/);
    assert.match(md, /### Failures \(2\)/);
    // A hang in some trials is flaky too, typed as a hang.
    assert.match(md, /`queue\/lost-wakeup\/t2\/c-all\/j-none`: no hang: flaky, failed in 1 of 20 trials/);
    assert.match(md, /❌ \*\*survived\*\* `deadlock\/opposite-order`/);
  });

  it('shows skipped configurations apart in the configurations column', () => {
    assert.match(markdownSummary(mixedSummary()), /\| counter\/locked \| pass \| 2 \(1 skipped\) \| 100 \| 0 \|/);
  });

  it('says when --fail-fast stopped the run, and "1 configuration" in the singular', () => {
    const s = mixedSummary();
    const md = markdownSummary({ ...s, configs: s.configs.slice(0, 1), stoppedEarly: { reason: '--fail-fast after counter/racy/t2/c-all/j-spin-1us', notRun: 1 } });
    assert.match(md, /^Stopped by --fail-fast after counter\/racy\/t2\/c-all\/j-spin-1us: 1 configuration not run\.$/m);
    assert.match(md, /^Seed `fixture-seed`, 1 configuration, 100 trials/m);
    assert.doesNotMatch(markdownSummary(s), /Stopped by/);
  });

  it('says a canary that errored in every trial could not be judged, not that it survived', () => {
    const s = mixedSummary();
    const canary = s.configs.find((r) => r.canaryVerdict === 'survived')!;
    canary.status = 'error';
    canary.errors = { count: canary.trials, samples: [{ trial: 0, thread: 0, name: 'TypeError', message: 'planted', replay: 'x' }] };
    const md = markdownSummary({ ...s, configs: [canary] });
    assert.match(md, /^- ❌ \*\*error\*\* `deadlock\/opposite-order`: every trial errored \(TypeError: planted\), the canary could not be judged$/m);
    assert.doesNotMatch(md, /survived/);
  });

  it('escapes user text: no raw HTML outside code spans (where it is literal text), no control characters', () => {
    const md = markdownSummary(mixedSummary());
    assert.ok(!md.replace(/(`+).*?\1/g, '').includes('<script>'));
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(md, /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/, 'no control character reaches the file');
    assert.ok(md.includes('\\\\x01 \\\\x1b\\[31m'), 'shown escaped in text (the backslash escaped for Markdown)');
    assert.ok(md.includes('evil <script>alert("x&y")</script> \' ]]> $\' $& $` \\x01 \\x1b[31m/always/t4'), 'and literally in code spans');
    assert.equal(mdText('bell\u0007 tab\t cr\r'), 'bell\\\\x07 tab\\\\x09 cr\\\\x0d');
    assert.equal(mdText('a|b <i>'), 'a\\|b \\<i\\>');
    assert.equal(mdCode('x `y` z'), '`` x `y` z ``');
  });

  it('appends to $GITHUB_STEP_SUMMARY when it is set, keeping what other steps wrote', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-'));
    const file = join(dir, 'step-summary.md');
    writeFileSync(file, '# from an earlier step\n');
    const r = stress(['run', FIXTURE, '--grep', 'sevens', '--threads', '2', '--jitter', 'none', '--schedule', 'free', '--runs', '30', '--timeout', '5s', '--seed', 'gh'], { GITHUB_STEP_SUMMARY: file });
    assert.equal(r.code, 1, r.err);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.startsWith('# from an earlier step\n## shakedown: ❌ failed (exit code 1)'), text.slice(0, 200));
    assert.match(text, /### Flaky \(1\)/);
    assert.match(text, /`deterministic\/sevens\/t2\/c-all\/j-none`: trial index is off the modulus: flaky, failed in 4 of 30 trials/);
    // The console reporter still ran: the summary went to the file in addition.
    assert.match(r.out, /FLAKY\s+deterministic\/sevens/);
  });
});

/**
 * The HTML report: self-contained, everything user-supplied escaped, and
 * rendered by a real headless Chromium without a console message (its
 * Content-Security-Policy turns any script or network load into one).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtml } from '../../reporters/html/render.js';
import { mixedSummary } from './fixtures/summaries.js';
import { controlledSummary } from './fixtures/schedules.js';
import { hasTool, skipLoudly } from '../helpers/tools.js';

const meta = { settings: { timeoutMs: 1000, traceEvents: 48, runs: 100 }, hostname: 'test-host', toolVersion: '0.0.0-test' };

/** Headless Chromium on a file: its DOM, its log, and optionally a screenshot. */
export function chromium(file: string, screenshot?: string): { dom: string; log: string } {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const base = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0', '--hide-scrollbars'];
  const dom = spawnSync('chromium', [...base, '--dump-dom', pathToFileURL(file).href], { encoding: 'utf8', timeout: 60_000 });
  let log = dom.stderr;
  if (screenshot !== undefined) {
    const shot = spawnSync('chromium', [...base, '--window-size=1280,2000', `--screenshot=${screenshot}`, pathToFileURL(file).href], { encoding: 'utf8', timeout: 60_000 });
    log += shot.stderr;
  }
  return { dom: dom.stdout, log };
}

describe('reporters/html', function () {
  this.timeout(120_000);
  const html = renderHtml(mixedSummary(), meta);

  it('is self-contained: no external URL, no script, a CSP that forbids both', () => {
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, /<script|<link|<img|src=/i);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"/);
  });

  it('escapes suite names, invariant names, details, messages, outcomes and thread names', () => {
    assert.ok(!html.includes('<script>alert'), 'no raw markup from user text');
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;'), 'the text survives, escaped');
    assert.ok(html.includes('t1 &lt;script&gt;'), 'thread names in the timeline are escaped');
    assert.ok(!html.includes('\u0001'), 'control characters dropped');
  });

  it('has the summary, a heatmap per suite, the outcome histogram, failures with replay commands and timelines with a lane per thread', () => {
    assert.match(html, /<h1>shakedown: failed<\/h1>/);
    assert.match(html, /<h3>counter<\/h3><div class="grids">\s*<table class="heat"><caption>locked, cores all<\/caption>/);
    assert.match(html, /<td style="background:hsl\([^"]+\)" title="counter\/racy\/t2\/c-all\/j-spin-1us: 7 of 100 trials failed/);
    assert.match(html, /<td class="skipped" title="CPU affinity is not available here">skipped<\/td>/);
    // The surviving canary (deadlock/opposite-order: 0 failures) is marked, not a green "0%" cell like a pass.
    assert.match(html, /<td class="survived" title="deadlock\/opposite-order\/t2\/c-all\/j-none: 0 of 100 trials failed[^"]*the planted bug was not caught here">0%<small>survived<\/small><\/td>/);
    assert.match(html, /<table class="hist">[\s\S]*all updates kept[\s\S]*class="bar forbidden"/);
    assert.match(html, /<span class="type">Flaky<\/span>[\s\S]*replay: <code class="cmd">npx stress replay /);
    assert.match(html, /<span class="type">HangOrDeadlock<\/span>[\s\S]*<table class="waitfor">/);
    const timeline = /<svg class="timeline"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    assert.equal((timeline.match(/class="lane-name"/g) ?? []).length, 2, 'two threads, two lanes');
  });

  it('renders in headless Chromium without console messages (screenshot written)', function () {
    if (!hasTool('chromium')) return skipLoudly(this, 'chromium', 'apt-get install chromium; or run npm run check:html where it is');
    const dir = mkdtempSync(join(tmpdir(), 'html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const png = join(dir, 'report.png');
    const { dom, log } = chromium(file, png);
    assert.match(dom, /<h1>shakedown: failed<\/h1>/, 'the page rendered');
    const consoleLines = log.split('\n').filter((l) => l.includes(':CONSOLE'));
    assert.deepEqual(consoleLines, [], 'no console message (a CSP violation or a script would log one)');
    assert.ok(statSync(png).size > 20_000, 'a screenshot with content');
    assert.equal(readFileSync(png).subarray(1, 4).toString(), 'PNG');
  });

  it('renders a controlled failure\'s interleaving timeline in headless Chromium without console messages', function () {
    if (!hasTool('chromium')) return skipLoudly(this, 'chromium', 'apt-get install chromium; or run npm run check:html where it is');
    const dir = mkdtempSync(join(tmpdir(), 'html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(controlledSummary(), meta));
    const { dom, log } = chromium(file);
    assert.equal((dom.match(/<table class="interleaving">/g) ?? []).length, 2, 'both interleavings rendered');
    assert.deepEqual(log.split('\n').filter((l) => l.includes(':CONSOLE')), []);
  });
});

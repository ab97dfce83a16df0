/**
 * The HTML report: one self-contained page (inline CSS and SVG, no script,
 * no external URL) with the summary, a failure-rate heatmap per suite, the
 * outcome histograms, and every failure with its replay command and its
 * trace drawn as a timeline (canaries: the first detection per variant); a
 * controlled failure is drawn as its interleaving instead, step by step.
 * Every user-supplied string is escaped (esc); a Content-Security-Policy
 * forbids scripts and any network load, so a missed escape or an external
 * reference is blocked and shows as a console message (the Chromium test
 * fails on any).
 */
import type { ConfigResult, RunSummary } from '../../harness/core/grade/results.js';
import type { RunSettings } from '../../harness/core/settings/run-options.js';
import { canaryVerdicts } from '../../harness/core/grade/verdict.js';
import { type Finding, errorFinding, invariantFinding } from '../findings.js';
import { configsCell, summaryRows } from '../summary-table.js';
import { esc } from './escape.js';
import { heatmaps } from './heatmap.js';
import { timelineSvg } from './timeline.js';
import { interleavingTable } from './interleaving.js';
import { STYLE } from './style.js';
import { counted, seconds } from '../words.js';

export interface HtmlMeta {
  settings: RunSettings | undefined;
  hostname: string;
  toolVersion: string;
}

export function renderHtml(s: RunSummary, meta: HtmlMeta): string {
  // A soak checkpoint is not a verdict yet: say so instead of passed/failed.
  const verdict = s.soak?.complete === false ? 'in progress' : s.exitCode === 0 ? 'passed' : s.interrupted ? 'interrupted' : 'failed';
  const trials = s.configs.reduce((n, r) => n + r.trials, 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>shakedown report: ${esc(verdict)} (seed ${esc(s.seed)})</title>
<style>${STYLE}</style></head>
<body>
<header class="${verdict.replace(' ', '-')}"><h1>shakedown: ${esc(verdict)}</h1>
<p>exit code ${esc(s.exitCode)} · seed <code>${esc(s.seed)}</code> · ${esc(counted(s.configs.length, 'configuration'))} · ${esc(counted(trials, 'trial'))} · ${esc(seconds(s.durationMs, 1))} · started ${esc(s.startedAt)} on ${esc(meta.hostname)}${s.soak ? ` · soak: ${esc(s.soak.passes)} passes${s.soak.complete ? '' : ' so far (checkpoint)'}` : ''}${s.shard ? ` · shard ${esc(s.shard.index)}/${esc(s.shard.total)} (its correct variants judged here; canaries by stress merge)` : ''}${settings(meta.settings)} · shakedown ${esc(meta.toolVersion)}</p></header>
<main>
<section><h2>Summary</h2>${s.stoppedEarly ? `<p class="muted">Stopped by ${esc(s.stoppedEarly.reason)}: ${esc(counted(s.stoppedEarly.notRun, 'configuration'))} not run.</p>` : ''}${summaryTable(s)}${canaries(s)}</section>
<section><h2>Failure rate by threads × jitter</h2><p class="muted">Share of trials in which an invariant failed or the trial hung; hover a cell for counts and the 95% interval.</p>${heatmaps(s.configs)}</section>
<section><h2>Failures</h2>${failures(s)}</section>
<section><h2>Outcomes</h2>${outcomes(s.configs)}</section>
</main></body></html>
`;
}

function settings(st: RunSettings | undefined): string {
  if (st === undefined) return '';
  const budget = st.runs !== undefined ? `${st.runs} trials per configuration` : st.timeBudgetMs !== undefined ? `time budget ${st.timeBudgetMs / 1000} s` : '';
  return ` · ${esc(budget)} · timeout ${esc(st.timeoutMs)} ms`;
}

function summaryTable(s: RunSummary): string {
  const rows = summaryRows(s).map(
    (r) =>
      `<tr class="${r.bad ? 'bad' : ''}"><td>${esc(`${r.suite}/${r.variant}`)}${r.canary ? ' <span class="tag">canary</span>' : ''}</td><td>${esc(r.verdict)}</td><td class="num">${esc(configsCell(r))}</td><td class="num">${esc(r.trials)}</td><td class="num">${esc(r.failedTrials)}</td><td>${esc(r.rate)}</td></tr>`,
  );
  return `<table class="summary"><thead><tr><th>suite/variant</th><th>verdict</th><th>configurations</th><th>trials</th><th>failed</th><th>failure rate [95% CI]</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function canaries(s: RunSummary): string {
  const vs = canaryVerdicts(s.configs);
  if (vs.length === 0) return '';
  const items = vs.map(
    (v) =>
      `<li class="${v.caught ? 'ok' : 'bad'}">${v.caught ? 'caught' : v.errored !== undefined ? '<strong>ERROR</strong>' : '<strong>SURVIVED</strong>'} <code>${esc(`${v.suite}/${v.variant}`)}</code>: ${v.errored !== undefined ? `every trial errored (${esc(v.errored)}), the canary could not be judged` : `in ${esc(v.caughtIn)} of ${esc(v.ran)} configurations`}${v.bug ? ` — ${esc(v.bug)}` : ''}</li>`,
  );
  return `<h3>Canaries (planted bugs the run must catch)</h3><ul class="canaries">${items.join('')}</ul>`;
}

function failures(s: RunSummary): string {
  const blocks: string[] = [];
  const canaryShown = new Set<string>();
  for (const r of s.configs) {
    // A canary's detections are expected: show one per variant, as the console does.
    const variant = `${r.config.suite}/${r.config.variant}`;
    if (r.config.canary && canaryShown.has(variant)) continue;
    const found: Array<{ f: Finding; trace: ConfigResult['invariants'][number]['samples'][number]['trace'] }> = [];
    for (const inv of r.invariants) {
      const f = invariantFinding(r, inv);
      if (f !== null) found.push({ f, trace: inv.samples[0]?.trace ?? [] });
    }
    const e = errorFinding(r);
    if (e !== null) found.push({ f: e, trace: [] });
    if (found.length === 0) continue;
    if (r.config.canary) canaryShown.add(variant);
    for (const { f, trace } of found) blocks.push(failureBlock(r, f, trace));
  }
  if (blocks.length === 0) return '<p>None: every invariant held in every trial.</p>';
  return blocks.join('\n');
}

function failureBlock(r: ConfigResult, f: Finding, trace: Parameters<typeof timelineSvg>[0]): string {
  const expected = r.config.canary ? ' <span class="tag">canary: expected</span>' : '';
  const hang = f.type === 'HangOrDeadlock' ? waitFor(r) : '';
  return `<article class="failure ${r.config.canary ? 'canary' : ''}">
<h3><code>${esc(r.config.key)}</code> <span class="type">${esc(f.type)}</span>${expected}</h3>
<p>${esc(f.message)}</p>
${f.replay ? `<p>replay: <code class="cmd">${esc(f.replay)}</code></p>` : ''}
${hang}
${timeline(f, trace)}
<details><summary>details</summary><pre>${esc(f.body)}</pre></details>
</article>`;
}

/**
 * The first failing trial over time: a controlled trial's interleaving (step numbers are its time:
 * the trial ran one thread at a time in virtual time), else the trace on a wall-time axis.
 */
function timeline(f: Finding, trace: Parameters<typeof timelineSvg>[0]): string {
  if (f.schedule !== undefined) return `<h4>Interleaving of the first failing trial</h4>${interleavingTable(f.schedule)}`;
  return trace.length > 0 ? `<h4>Trace of the first failing trial</h4>${timelineSvg(trace)}` : '';
}

function waitFor(r: ConfigResult): string {
  const h = r.hangs.samples[0];
  if (h === undefined || h.waitFor.length === 0) return '';
  const rows = h.waitFor.map((w) => `<tr><td>${esc(w.thread)}</td><td>${esc(w.waitsFor)}</td><td>${esc(w.heldBy)}</td></tr>`);
  return `<table class="waitfor"><caption>wait-for table of hung trial ${esc(h.trial)}</caption><thead><tr><th>thread</th><th>waits for</th><th>held by</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function outcomes(configs: ConfigResult[]): string {
  const withOutcomes = configs.filter((r) => r.outcomes.length > 0);
  if (withOutcomes.length === 0) return '<p class="muted">No suite in this run grades outcomes.</p>';
  return withOutcomes
    .map((r) => {
      const max = Math.max(...r.outcomes.map((o) => o.count));
      const bars = r.outcomes.map(
        (o) =>
          `<tr><td class="outcome">${esc(o.outcome)}</td><td class="grade ${esc(o.grade)}">${esc(o.grade)}</td><td class="num">${esc(o.count)}</td><td class="barcell"><div class="bar ${esc(o.grade)}" style="width:${((100 * o.count) / max).toFixed(1)}%" title="${esc(o.description)}"></div></td></tr>`,
      );
      return `<table class="hist"><caption><code>${esc(r.config.key)}</code></caption><tbody>${bars.join('')}</tbody></table>`;
    })
    .join('\n');
}

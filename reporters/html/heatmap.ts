/**
 * Failure rate over threads x jitter, one grid per suite variant and core
 * setting: rows are thread counts, columns jitter profiles, each cell the
 * configuration's failed-trial rate, coloured on a log scale so that 0.1%
 * and 50% are both visible. Empty cells: not in the matrix; grey: skipped.
 */
import type { ConfigResult } from '../../harness/core/grade/results.js';
import { formatRate } from '../words.js';
import { esc } from './escape.js';

/** Green for none; then yellow (rare) to red (every trial), by log10 of the rate. */
export function rateColour(failed: number, trials: number): string {
  if (trials === 0) return '#d0d0d0';
  if (failed === 0) return '#c8e6c9';
  const rate = failed / trials;
  const t = Math.min(1, Math.max(0, (Math.log10(rate) + 4) / 4)); // 1e-4 -> 0, 1 -> 1
  const hue = 50 - 50 * t; // 50 (amber) -> 0 (red)
  return `hsl(${hue.toFixed(0)}, 85%, ${(70 - 22 * t).toFixed(0)}%)`;
}

export function heatmaps(configs: ConfigResult[]): string {
  const bySuite = new Map<string, ConfigResult[]>();
  for (const r of configs) bySuite.set(r.config.suite, [...(bySuite.get(r.config.suite) ?? []), r]);
  const out: string[] = [];
  for (const [suite, rs] of bySuite) {
    out.push(`<h3>${esc(suite)}</h3><div class="grids">`);
    const groups = new Map<string, ConfigResult[]>();
    for (const r of rs) {
      const id = `${r.config.variant}\u0000${String(r.config.cores)}`;
      groups.set(id, [...(groups.get(id) ?? []), r]);
    }
    for (const g of groups.values()) out.push(grid(g));
    out.push('</div>');
  }
  return out.join('\n');
}

function grid(rs: ConfigResult[]): string {
  const c0 = rs[0]!.config;
  const threads = [...new Set(rs.map((r) => r.config.threads))].sort((a, b) => a - b);
  const jitters = [...new Set(rs.map((r) => r.config.jitter))];
  const cell = new Map(rs.map((r) => [`${r.config.threads}/${r.config.jitter}`, r]));
  const head = jitters.map((j) => `<th scope="col">${esc(j)}</th>`).join('');
  const rows = threads.map((t) => {
    const cells = jitters.map((j) => {
      const r = cell.get(`${t}/${j}`);
      if (r === undefined) return '<td class="none"></td>';
      if (r.status === 'skipped') return `<td class="skipped" title="${esc(r.skippedReason ?? 'skipped')}">skipped</td>`;
      const pct = r.trials === 0 ? 'n/a' : `${((100 * r.failedTrials) / r.trials).toPrecision(r.failedTrials === 0 ? 1 : 3)}%`;
      const title = `${r.config.key}: ${r.failedTrials} of ${r.trials} trials failed, ${formatRate(r.failedTrials, r.trials)}, status ${r.status}`;
      // A canary that survived here is bad news, not a clean cell: never on the pass-green scale.
      if (r.config.canary && r.canaryVerdict === 'survived') {
        return `<td class="survived" title="${esc(`${title}; the planted bug was not caught here`)}">${esc(pct)}<small>survived</small></td>`;
      }
      return `<td style="background:${rateColour(r.failedTrials, r.trials)}" title="${esc(title)}">${esc(pct)}<small>${esc(r.trials)}</small></td>`;
    });
    return `<tr><th scope="row">t${esc(t)}</th>${cells.join('')}</tr>`;
  });
  const label = `${c0.variant}${c0.canary ? ' (canary)' : ''}, cores ${String(c0.cores)}`;
  return `<table class="heat"><caption>${esc(label)}</caption><thead><tr><th>threads \\ jitter</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

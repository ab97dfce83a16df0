/**
 * The run at a glance, one row per suite variant: configurations, trials,
 * failed trials, rate, and the verdict (pass / flaky / fail / hang / error
 * for correct variants; caught / SURVIVED for canaries). Shared by the
 * console, Markdown and HTML reporters.
 */
import type { ConfigResult, RunSummary } from '../harness/core/grade/results.js';
import { formatRate, grouped } from './words.js';
import { canaryVerdicts } from '../harness/core/grade/verdict.js';
import { isBad, worst } from '../harness/core/grade/status-rule.js';
import { visible } from '../harness/core/shared/control-chars.js';

export interface SummaryRow {
  suite: string;
  variant: string;
  canary: boolean;
  /** Every planned configuration of the variant, skipped ones included (see configsCell). */
  configs: number;
  /** Of those, skipped (could not run here, e.g. no CPU affinity): no trials, no verdict. */
  skipped: number;
  trials: number;
  failedTrials: number;
  rate: string;
  verdict: string;
  /** Whether this row makes the run fail. */
  bad: boolean;
}

export function summaryRows(s: RunSummary): SummaryRow[] {
  const groups = new Map<string, ConfigResult[]>();
  for (const r of s.configs) {
    const id = `${r.config.suite}/${r.config.variant}`;
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  const canaries = new Map(canaryVerdicts(s.configs).map((v) => [`${v.suite}/${v.variant}`, v]));
  return [...groups].map(([id, rs]) => {
    const first = rs[0]!.config;
    const trials = rs.reduce((n, r) => n + r.trials, 0);
    const failedTrials = rs.reduce((n, r) => n + r.failedTrials, 0);
    let verdict: string;
    let bad: boolean;
    if (first.canary) {
      const v = canaries.get(id);
      verdict = v === undefined ? 'skipped' : v.caught ? 'caught' : v.errored !== undefined ? 'ERROR' : 'SURVIVED';
      bad = v !== undefined && !v.caught;
    } else {
      const ran = rs.filter((r) => r.status !== 'skipped');
      const status = ran.length === 0 ? 'skipped' : worst(ran.map((r) => r.status));
      verdict = status;
      bad = isBad(status);
    }
    const skipped = rs.filter((r) => r.status === 'skipped').length;
    return { suite: first.suite, variant: first.variant, canary: first.canary, configs: rs.length, skipped, trials, failedTrials, rate: formatRate(failedTrials, trials), verdict, bad };
  });
}

/**
 * The configurations cell: skipped configurations are counted but shown apart, `4 (1 skipped)`, so the
 * count is the plan's while the trials and the verdict come from the configurations that ran.
 */
export function configsCell(r: SummaryRow): string {
  return r.skipped > 0 ? `${r.configs} (${r.skipped} skipped)` : String(r.configs);
}

/** Fixed-width text table for the console. */
export function summaryTableText(s: RunSummary): string[] {
  const rows = summaryRows(s);
  if (rows.length === 0) return [];
  const cells = rows.map((r) => [`${visible(`${r.suite}/${r.variant}`)}${r.canary ? ' [canary]' : ''}`, r.verdict, configsCell(r), grouped(r.trials), grouped(r.failedTrials), r.rate]);
  const head = ['suite/variant', 'verdict', 'configs', 'trials', 'failed', 'failure rate [95% CI]'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => `  ${c.map((x, i) => (i >= 2 && i <= 4 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [line(head), ...cells.map(line)];
}

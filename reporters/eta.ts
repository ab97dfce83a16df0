/**
 * When the run should end, for the console's status line: a time-budgeted run or a soak ends with
 * its budget (plus overhead: "about"); a run of N trials per configuration, from the time the
 * finished configurations took. Unknown (undefined) before anything finished.
 */
import type { RunSettings } from '../harness/core/settings/run-options.js';

export function etaMs(settings: RunSettings | undefined, planned: number, elapsedMs: number, configsLeft: number): number | undefined {
  if (settings?.durationMs !== undefined) return Math.max(0, settings.durationMs - elapsedMs);
  if (settings?.timeBudgetMs !== undefined) return Math.max(0, settings.timeBudgetMs - elapsedMs);
  const done = planned - configsLeft;
  if (done <= 0 || planned <= 0) return undefined;
  return (elapsedMs / done) * configsLeft;
}

/** "45s", "3m 05s", "2h 10m". */
export function shortDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * When the run should end, for the console's status line. A time-budgeted run or a soak ends with
 * its budget (plus overhead: "about"). A run of N trials per configuration cannot know that: its
 * configurations take very different times, and the slow ones are those whose trials hang (each
 * hang waits out the trial timeout, a second by default, before the configuration goes on or
 * stops). An average over all finished configurations said "1s to go" with a minute of hanging
 * canaries still ahead. So each configuration still to run is timed by the finished ones of its own
 * suite and variant (their durations include their hangs). A variant still to run that has not
 * finished a configuration yet is timed at the quickest finished variant's pace, and the estimate
 * then says so ("more than"): a lower bound, where a plain number would be a wrong one. Before
 * anything finished there is no estimate (undefined).
 */
import type { ConfigResult, Configuration } from '../harness/core/grade/results.js';
import type { RunSettings } from '../harness/core/settings/run-options.js';

/** Configurations that take alike: a variant's hangs, crashes and speed are its own. */
function variantOf(c: Configuration): string {
  return `${c.suite}\u0000${c.variant}`;
}

export class RunEta {
  readonly #settings: RunSettings | undefined;
  readonly #configs: readonly Configuration[];
  readonly #finished = new Set<string>();
  /** Per variant: its finished configurations' total duration and count. */
  readonly #timed = new Map<string, { ms: number; n: number }>();
  #durations = 0;
  #lastEndMs = 0;

  /** `configs`: the run's configurations (run-start's, this shard's when sharded). */
  constructor(settings: RunSettings | undefined, configs: readonly Configuration[]) {
    this.#settings = settings;
    this.#configs = configs;
  }

  /** A configuration ended `elapsedMs` into the run. */
  ended(result: ConfigResult, elapsedMs: number): void {
    if (this.#finished.has(result.config.key)) return;
    this.#finished.add(result.config.key);
    const v = this.#timed.get(variantOf(result.config)) ?? { ms: 0, n: 0 };
    this.#timed.set(variantOf(result.config), { ms: v.ms + result.durationMs, n: v.n + 1 });
    this.#durations += result.durationMs;
    this.#lastEndMs = Math.max(this.#lastEndMs, elapsedMs);
  }

  /** Milliseconds to go at `elapsedMs` into the run, or undefined when they cannot be judged yet. */
  toGoMs(elapsedMs: number): number | undefined {
    const t = this.toGo(elapsedMs);
    return t === undefined || t.atLeast ? undefined : t.ms;
  }

  /**
   * Time to go at `elapsedMs` into the run: `atLeast` when some configuration left is of a variant
   * not timed yet (counted at the quickest variant's pace, so the run will likely take longer).
   * Undefined before any configuration finished.
   */
  toGo(elapsedMs: number): { ms: number; atLeast: boolean } | undefined {
    const s = this.#settings;
    if (s?.durationMs !== undefined) return { ms: Math.max(0, s.durationMs - elapsedMs), atLeast: false };
    const left = this.#configs.filter((c) => !this.#finished.has(c.key));
    if (s?.timeBudgetMs !== undefined) {
      // Each configuration is owed at least budget / configurations from when its trials start
      // (start-up and hangs come on top): once the budget is spent, that is what is left.
      const share = this.#configs.length > 0 ? s.timeBudgetMs / this.#configs.length : 0;
      const owed = Math.max(0, left.length * share * this.#pace() - Math.min(share, Math.max(0, elapsedMs - this.#lastEndMs)));
      return { ms: Math.max(s.timeBudgetMs - elapsedMs, left.length > 0 ? owed : 0, 0), atLeast: false };
    }
    if (left.length === 0) return { ms: 0, atLeast: false };
    if (this.#timed.size === 0) return undefined;
    const quickest = Math.min(...[...this.#timed.values()].map((v) => v.ms / v.n));
    let atLeast = false;
    const predicted: number[] = [];
    for (const c of left) {
      const v = this.#timed.get(variantOf(c));
      if (v === undefined) atLeast = true;
      predicted.push(v === undefined ? quickest : v.ms / v.n);
    }
    const pace = this.#pace();
    const total = predicted.reduce((a, b) => a + b, 0) * pace;
    // The first one left is running: the time since the last one ended is spent on it, never more than its own share.
    const running = Math.min(predicted[0]! * pace, Math.max(0, elapsedMs - this.#lastEndMs));
    const ms = total - running;
    // A lower bound under a second says nothing (the quickest variant may take no time at all).
    if (atLeast && ms < 1000) return undefined;
    return { ms, atLeast };
  }

  /** Wall time per unit of configuration time so far: about 1 one at a time (plus the gaps), less with --jobs. */
  #pace(): number {
    return this.#durations > 0 ? this.#lastEndMs / this.#durations : 1;
  }
}

/** "45s", "3m 05s", "2h 10m". */
export function shortDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

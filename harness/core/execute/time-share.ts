/**
 * How a run's time budget is shared among its configurations.
 *
 * The budget is testing time. A configuration's clock starts once its threads are running trials
 * (executor.ts): starting workers, loading the suite and prepare() are not charged to it. Each
 * configuration gets the larger of
 * - an equal share, budget / runnable configurations: the floor, so that no configuration late in
 *   the plan is starved by earlier ones that overran (on a loaded machine, shares of 2-71 ms once
 *   left canaries 8 trials and a false "survived"); and
 * - what is left of the budget's wall time divided among the configurations left: time that
 *   earlier ones left unused (a --max-failures stop, a skip) goes to the rest.
 * So a run takes its budget plus what is not testing time: start-up per configuration, hang
 * timeouts of configurations that stop after hangs, and the last batch of each one.
 */
export class TimeShares {
  readonly #end: number;
  /** Runnable configurations from each index to the end of the plan. */
  readonly #runnableFrom: number[];
  readonly equalShareMs: number;

  constructor(budgetMs: number, runnable: boolean[], startedAt: number) {
    this.#end = startedAt + budgetMs;
    this.#runnableFrom = [];
    for (let i = runnable.length - 1, left = 0; i >= 0; i--) this.#runnableFrom[i] = left += runnable[i] ? 1 : 0;
    this.equalShareMs = budgetMs / Math.max(1, this.#runnableFrom[0] ?? 0);
  }

  /** The testing time of the configuration at `index`, starting now. */
  shareFor(index: number, now: number): number {
    const left = Math.max(1, this.#runnableFrom[index] ?? 1);
    return Math.max(this.equalShareMs, Math.max(0, this.#end - now) / left);
  }
}

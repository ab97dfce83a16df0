/**
 * Which trials each batch holds: first the trials to run again (those of cancelled batches that
 * neither hung nor crashed, and those a cut batch did not start), then new ones up to the budget.
 */

/** Trials [first, end). */
export interface TrialRange {
  first: number;
  end: number;
}

export class TrialQueue {
  /** The first trial never handed out: where a soak's next pass starts. */
  #next: number;
  /** One past the last trial the budget allows (Infinity when it counts time only). */
  readonly #end: number;
  /** Trials to run before new ones, in order. */
  readonly #again: TrialRange[] = [];

  constructor(first: number, end: number) {
    this.#next = first;
    this.#end = end;
  }

  get nextTrial(): number {
    return this.#next;
  }

  hasMore(): boolean {
    return this.#again.length > 0 || this.#next < this.#end;
  }

  /** The next batch's first trial and how many trials it may hold (at most `max`); take() then says how many it did. */
  peek(max: number): { first: number; count: number } {
    const range = this.#again[0];
    const first = range?.first ?? this.#next;
    return { first, count: Math.min(max, (range?.end ?? this.#end) - first) };
  }

  /** The first `count` trials of peek() went into a batch. */
  take(count: number): void {
    const range = this.#again[0];
    if (range === undefined) this.#next += count;
    else if ((range.first += count) >= range.end) this.#again.shift();
  }

  /**
   * Trials a cut batch did not start: they go back to be run first, and a soak's next pass starts
   * at the first of them, so the numbering has no gaps.
   */
  giveBack(range: TrialRange): void {
    this.#again.push(range);
    for (let i = this.#findEndingAtNext(); i >= 0; i = this.#findEndingAtNext()) {
      this.#next = this.#again[i]!.first;
      this.#again.splice(i, 1);
    }
  }

  /** Trials of cancelled batches: run before anything else (empty ranges are dropped). */
  runFirst(ranges: TrialRange[]): void {
    this.#again.unshift(...ranges.filter((r) => r.end > r.first));
  }

  #findEndingAtNext(): number {
    return this.#again.findIndex((r) => r.end === this.#next);
  }
}

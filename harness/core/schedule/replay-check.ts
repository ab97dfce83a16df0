/**
 * Replay of a controlled trial checks the interleaving, not only the failure
 * (docs/design/controlled-scheduling.md 6.5): each run's hash against the token's `h`. A run with
 * another hash, or whose switch list named a thread that could not run (diverged), ran another
 * interleaving: the schedule no longer fits the code, and that run reproduces nothing exact.
 */

/** What the runs of a controlled replay ran, against the token's interleaving hash. */
export interface InterleavingCheck {
  /** The token's hash (`h`). */
  expected: string;
  runs: number;
  /** Runs with exactly that hash and no divergence. */
  identical: number;
  /** The first step where a run's switch list no longer fit the code, if one did. */
  divergedAt?: number;
  /** A hash the other runs had (the first seen), if any differed. */
  otherHash?: string;
}

export class InterleavingTally {
  readonly #check: InterleavingCheck;
  constructor(expected: string) {
    this.#check = { expected, runs: 0, identical: 0 };
  }

  /** One run's hash, and its divergence step if it diverged. */
  add(hash: string, diverged: number | undefined): void {
    const c = this.#check;
    c.runs++;
    if (diverged !== undefined) c.divergedAt = Math.min(c.divergedAt ?? Infinity, diverged);
    if (hash === c.expected && diverged === undefined) c.identical++;
    else if (hash !== c.expected) c.otherHash ??= hash;
  }

  get check(): InterleavingCheck {
    return { ...this.#check };
  }
}

/**
 * Shrinking a failing switch list (docs/design/controlled-scheduling.md section 4.1), pure: the
 * caller reruns the trial. A switch list is the non-preemptive schedule plus its listed (step,
 * thread) decisions; the fewer, the easier the interleaving is to read.
 *
 * 0. Chunks first (Zeller's ddmin, complements only): drop the whole list (the non-preemptive
 *    schedule), then halves, quarters, ...; a kept drop coarsens the chunks again. A random walk's
 *    failing trial has hundreds of switches, nearly all irrelevant: single drops alone would need
 *    a rerun each and run out of budget (measured: 719 switches left of a check-then-set trial).
 * 1. Greedy delta debugging: drop one switch; keep the drop if the trial still fails the same
 *    way; repeat passes until no single drop works. Then drop two neighbours at once: a switch
 *    away and the switch back often only make sense together (measured on the check-then-set
 *    lock, 14 switches: single drops alone stopped at 8).
 * 2. Move each remaining switch one step earlier, then later; keep the move if it still fails and
 *    the trial got simpler: fewer switches (it merged with a neighbour), else fewer preemptions,
 *    else fewer steps. Any kept move starts the drops again.
 * Every kept candidate is strictly simpler by (switches, preemptions, steps), so it ends; the
 * caller's rerun bound ends it sooner.
 */

export type Switch = readonly [step: number, thread: number];

/** A rerun of a candidate: did it fail the same way, and how long and preemptive was it. Null: the rerun budget is spent. */
export interface ShrinkProbe {
  fails: boolean;
  preemptions: number;
  steps: number;
}

export type ShrinkRerun = (switches: Switch[]) => Promise<ShrinkProbe | null>;

export interface ShrinkResult {
  switches: Switch[];
  preemptions: number;
  steps: number;
  /** Candidates rerun. */
  reruns: number;
  /** The budget ran out before no candidate was left. */
  exhausted: boolean;
}

/** Lists this short try dropping every pair of switches (n(n-1)/2 reruns); longer ones neighbouring pairs only. */
const ALL_PAIRS_UP_TO = 16;

/** (switches, preemptions, steps), compared in that order. */
function simpler(a: { switches: number; preemptions: number; steps: number }, b: { switches: number; preemptions: number; steps: number }): boolean {
  if (a.switches !== b.switches) return a.switches < b.switches;
  if (a.preemptions !== b.preemptions) return a.preemptions < b.preemptions;
  return a.steps < b.steps;
}

/** `start` fails as rerun says, with `startProbe`'s preemptions and steps. */
export async function shrinkSwitches(start: readonly Switch[], startProbe: { preemptions: number; steps: number }, rerun: ShrinkRerun): Promise<ShrinkResult> {
  let best: Switch[] = [...start];
  let bestProbe = { preemptions: startProbe.preemptions, steps: startProbe.steps };
  let reruns = 0;
  let exhausted = false;
  const attempt = async (candidate: Switch[]): Promise<ShrinkProbe | null> => {
    const probe = await rerun(candidate);
    if (probe === null) exhausted = true;
    else reruns++;
    return probe;
  };

  // 0. Chunks, while they are larger than one switch (single drops are step 1).
  for (let chunks = 1; best.length > 0 && (chunks === 1 || chunks < best.length) && !exhausted; ) {
    const size = Math.ceil(best.length / chunks);
    let kept = false;
    for (let start = 0; start < best.length && !exhausted; start += size) {
      const candidate = [...best.slice(0, start), ...best.slice(start + size)];
      const probe = await attempt(candidate);
      if (probe?.fails === true) {
        best = candidate;
        bestProbe = { preemptions: probe.preemptions, steps: probe.steps };
        kept = true;
        break;
      }
    }
    chunks = kept ? Math.max(chunks - 1, 2) : chunks * 2;
  }

  for (let changed = true; changed && !exhausted; ) {
    changed = false;
    // 1. Drops, pass after pass, until a whole pass drops nothing.
    for (let dropped = true; dropped && !exhausted; ) {
      dropped = false;
      for (let i = 0; i < best.length && !exhausted; ) {
        const candidate = best.filter((_, j) => j !== i);
        const probe = await attempt(candidate);
        if (probe?.fails === true) {
          best = candidate;
          bestProbe = { preemptions: probe.preemptions, steps: probe.steps };
          dropped = true;
        } else i++;
      }
    }
    // 1b. Pairs: every pair of a short list, neighbours only of a long one; a kept pair starts the single drops again.
    pairs: for (let i = 0; i + 1 < best.length && !exhausted; i++) {
      const last = best.length <= ALL_PAIRS_UP_TO ? best.length - 1 : i + 1;
      for (let k = i + 1; k <= last && !exhausted; k++) {
        const candidate = best.filter((_, j) => j !== i && j !== k);
        const probe = await attempt(candidate);
        if (probe?.fails === true) {
          best = candidate;
          bestProbe = { preemptions: probe.preemptions, steps: probe.steps };
          changed = true;
          break pairs;
        }
      }
    }
    if (changed) continue;
    // 2. Moves by one step, kept only when the trial got simpler.
    for (let i = 0; i < best.length && !exhausted; i++) {
      for (const delta of [-1, 1]) {
        const [step, thread] = best[i]!;
        const moved = step + delta;
        if (moved < 0) continue;
        // Onto a neighbour's step: the two merge, which is the drop already tried.
        if (best.some(([s], j) => j !== i && s === moved)) continue;
        const candidate = best.map((sw, j): Switch => (j === i ? [moved, thread] : sw));
        const probe = await attempt(candidate);
        if (probe === null) break;
        const key = { switches: candidate.length, preemptions: probe.preemptions, steps: probe.steps };
        if (probe.fails && simpler(key, { switches: best.length, ...bestProbe })) {
          best = candidate;
          bestProbe = { preemptions: probe.preemptions, steps: probe.steps };
          changed = true;
          break;
        }
      }
    }
  }
  return { switches: best, ...bestProbe, reruns, exhausted };
}

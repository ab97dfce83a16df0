/**
 * How much of a logged interleaving a failure sample keeps. The reporters trim what they print
 * (reporters/interleaving-text.ts: 40 steps whole, else the steps around each preemption and the
 * last ones); a result file keeps the whole interleaving so every report can trim it its own way,
 * up to KEPT_STEPS_MAX steps. A longer one (a livelock runs 20,000 steps) keeps only the steps a
 * trimmed report could show: gaps in the step numbers are what the reporters print as elisions.
 */
import type { InterleavingStep } from './types.js';

/** Steps a sample keeps whole. */
export const KEPT_STEPS_MAX = 2000;
/** Beyond it: steps kept on each side of a preemption (as the reporters' trimming). */
const AROUND_PREEMPTION = 3;
/** Beyond it: the first and the last steps kept (the start, and where the failure shows). */
const ENDS_KEPT = 20;
/** Beyond it: preemptions whose surroundings are kept, at most (the first ones, then the ends). */
const PREEMPTIONS_KEPT = 200;

/** `steps` itself when short enough, else the steps that matter, in order, numbers unchanged. */
export function keptSteps(steps: InterleavingStep[]): InterleavingStep[] {
  if (steps.length <= KEPT_STEPS_MAX) return steps;
  const kept = new Uint8Array(steps.length);
  const keep = (from: number, to: number): void => {
    for (let i = Math.max(0, from); i <= Math.min(steps.length - 1, to); i++) kept[i] = 1;
  };
  keep(0, ENDS_KEPT - 1);
  keep(steps.length - ENDS_KEPT, steps.length - 1);
  let preemptions = 0;
  for (let i = 0; i < steps.length && preemptions < PREEMPTIONS_KEPT; i++) {
    if (steps[i]!.preempted === true) {
      keep(i - AROUND_PREEMPTION, i + AROUND_PREEMPTION);
      preemptions++;
    }
  }
  return steps.filter((_, i) => kept[i] === 1);
}

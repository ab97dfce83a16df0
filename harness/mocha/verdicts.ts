/**
 * From a run's configuration results to one verdict per mocha test: an
 * invariant of a variant across all its configurations, or a canary caught
 * anywhere. Failure messages carry the rate with its interval, the first
 * failing trial and the command that replays it.
 */
import type { ConfigResult, InvariantResult } from '../core/grade/results.js';
import { counted, failedOf, stoppedNote } from '../../reporters/words.js';
import { AS_WRITTEN, errorText, firstFailureLines, invariantLine, replayLine } from '../../reporters/failure-text.js';

export type Verdict = { ok: true } | { ok: false; message: string };

/** The run's seed, and whether the spec fixed it with the `seed` option (then STRESS_SEED cannot change it). */
export interface SeedInfo {
  seed: string;
  fromOption: boolean;
}

export function invariantVerdict(configs: ConfigResult[], invariant: string, seed: SeedInfo): Verdict {
  const failing: Array<{ r: ConfigResult; inv: InvariantResult }> = [];
  let trials = 0;
  let failures = 0;
  for (const r of configs) {
    const inv = r.invariants.find((i) => i.name === invariant);
    if (inv === undefined) continue;
    trials += inv.trials;
    failures += inv.failures;
    if (inv.failures > 0) failing.push({ r, inv });
  }
  if (failing.length === 0) return { ok: true };
  const lines = [
    `"${invariant}" failed in ${failedOf(failures, trials)}, in ${failing.length} of ${configs.length} configurations:`,
  ];
  for (const { r, inv } of failing) {
    lines.push(`  ${invariantLine(r.config.key, inv)}${stoppedNote(r)}`, ...firstFailureLines(inv, '    ', AS_WRITTEN));
  }
  lines.push(seedLine(seed));
  return { ok: false, message: lines.join('\n') };
}

/** Actor exceptions and worker crashes: not an invariant, but a correct variant must not have them. */
export function errorVerdict(configs: ConfigResult[], seed: SeedInfo): Verdict {
  const errored = configs.filter((r) => r.errors.count > 0);
  if (errored.length === 0) return { ok: true };
  const lines = [`errors in ${errored.length} of ${configs.length} configurations:`];
  for (const r of errored) {
    const e = r.errors.samples[0];
    lines.push(`  ${r.config.key}: ${counted(r.errors.count, 'error')}`);
    if (e !== undefined) lines.push(`    ${errorText(e, AS_WRITTEN)}`, `    ${replayLine(e.replay)}`);
  }
  lines.push(seedLine(seed));
  return { ok: false, message: lines.join('\n') };
}

export function canaryVerdict(configs: ConfigResult[], bug: string | undefined, seed: SeedInfo): Verdict {
  const caught = configs.filter((r) => r.canaryVerdict === 'caught');
  if (caught.length > 0) return { ok: true };
  const trials = configs.reduce((s, r) => s + r.trials, 0);
  return {
    ok: false,
    message:
      `canary survived ${counted(trials, 'trial')} in ${counted(configs.length, 'configuration')}${bug ? ` (${bug})` : ''}: ` +
      `not sensitive enough with these settings; raise timeBudget or runs, add jitter or threads\n${seedLine(seed)}`,
  };
}

function seedLine({ seed, fromOption }: SeedInfo): string {
  // The seed option takes priority over STRESS_SEED: advising STRESS_SEED then would change nothing.
  return fromOption ? `seed ${seed} (the seed option of this stress.it: every run of it uses this seed)` : `seed ${seed}: rerun with STRESS_SEED=${seed}`;
}

/** An Error whose stack is only its message: harness frames would say nothing about the user's bug. */
export function failure(message: string): Error {
  const err = new Error(message);
  err.name = 'StressFailure';
  err.stack = `${err.name}: ${message}`;
  return err;
}

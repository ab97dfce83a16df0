/**
 * What every example does after its demonstration: a short stress run through
 * the public API (`run` from 'shakedown'), one printed line per configuration,
 * the first failing trial with its replay command, and self-checks that make
 * the example exit non-zero when it no longer shows what its README says.
 */
import { type ConfigResult, type RunOptions, type RunSummary, replayCommand, run, stoppedNote, wilson } from 'shakedown';
import type { Worker } from 'node:worker_threads';

export function rate(failures: number, trials: number): string {
  const [lo, hi] = wilson(failures, trials);
  const pct = (x: number): string => `${(x * 100).toPrecision(x === 0 ? 1 : 3)}%`;
  return `${pct(trials === 0 ? 0 : failures / trials)} [${pct(lo)}, ${pct(hi)}]`;
}

export function configLine(r: ConfigResult): string {
  const mark = r.config.canary ? (r.canaryVerdict === 'caught' ? 'CAUGHT' : 'SURVIVED') : r.status.toUpperCase();
  return `  ${mark.padEnd(8)} ${r.config.key}${r.config.canary ? ' [canary]' : ''}: ${r.trials} trials, failed ${rate(r.failedTrials, r.trials)}${stoppedNote(r)}`;
}

/** The first failing invariant of a configuration: what was seen, and the command that replays it. */
export function firstFailure(r: ConfigResult): string[] {
  for (const inv of r.invariants) {
    const s = inv.samples[0];
    if (s === undefined) continue;
    return [`    ${inv.name}: ${inv.failures} of ${inv.trials} trials`, `      trial ${s.trial}: ${s.details}`, `      replay: ${replayCommand(s.replay)}`];
  }
  return [];
}

export async function stress(options: RunOptions): Promise<RunSummary> {
  for await (const e of run(options)) {
    if (e.type === 'config-end') console.log(configLine(e.result));
    if (e.type === 'run-end') return e.summary;
  }
  throw new Error('run ended without a summary');
}

/**
 * Stresses the correct variants for `runs` trials each, then the canaries (`canaries`: their
 * variant names) for up to `canaryTimeMs` in all, each stopping once `maxFailures` trials have
 * failed. A race needs the trial's threads to run at the same moment, which a loaded machine can
 * deny for thousands of trials in a row, and there trials are slow too: a time bound gives the
 * canaries every chance the example can afford and still ends. A caught canary stops at once, so
 * the bound costs nothing then. One summary of both.
 */
export async function stressWithCanaries(
  options: RunOptions,
  canaries: string[],
  budget: { runs: number; canaryTimeMs: number; maxFailures: number },
): Promise<RunSummary> {
  const names = canaries.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const correct = await stress({ ...options, grep: `^[^/]+/(?!(${names})/)`, runs: budget.runs });
  const caught = await stress({ ...options, grep: `^[^/]+/(${names})/`, timeBudgetMs: budget.canaryTimeMs, maxFailures: budget.maxFailures });
  return { ...caught, configs: [...correct.configs, ...caught.configs], durationMs: correct.durationMs + caught.durationMs, exitCode: Math.max(correct.exitCode, caught.exitCode) };
}

export function find(s: RunSummary, variant: string): ConfigResult[] {
  return s.configs.filter((r) => r.config.variant === variant);
}

/** Records a failed self-check: the example still prints everything, then exits 1. */
export function expect(ok: boolean, what: string): void {
  if (!ok) {
    console.log(`EXAMPLE CHECK FAILED: ${what}`);
    process.exitCode = 1;
  }
}

/** Waits for workers to exit; terminates them and throws after `ms`, so an example never hangs CI. */
export async function joinAll(workers: Worker[], ms: number): Promise<number[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      for (const w of workers) void w.terminate();
      reject(new Error(`workers did not finish within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([Promise.all(workers.map((w) => new Promise<number>((resolve) => w.once('exit', resolve)))), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

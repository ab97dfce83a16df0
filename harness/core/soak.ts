/**
 * Soak runs (`stress run --duration 8h`): pass after pass over the matrix
 * until the time is up, each configuration getting its share of one pass
 * (--time-budget, default 60 s, spread over the matrix). Each pass continues
 * the trial numbering of the last, so no seed repeats; results are folded
 * into bounded totals (soak-merge.ts), so memory stays flat however long it
 * runs. After each pass a 'checkpoint' event carries the totals so far (the
 * CLI writes it to the JSON report); the configurations' config-start and
 * config-end events come once, with the totals, when the soak ends.
 */
import type { ConfigResult, RunSummary, SoakInfo } from './grade/results.js';
import type { RunEvent } from './events.js';
import { type ConfigRunOptions, type PlannedWork, runConfiguration } from './run-configuration.js';
import { accumulate } from './record/soak-merge.js';
import { exitCodeFor } from './grade/verdict.js';
import { type Lanes, runParallel } from './parallel/parallel-run.js';

export interface SoakOptions {
  t0: number;
  durationMs: number;
  passMs: number;
  base: Omit<RunSummary, 'configs' | 'durationMs' | 'soak'>;
  one: ConfigRunOptions;
  stop: () => boolean;
  /** Filled with the final totals, in plan order. */
  results: ConfigResult[];
  /** A --jobs run: each pass runs its groups side by side (parallel/parallel-run.ts). */
  lanes?: Lanes;
}

/** A slice shorter than this is not worth a dispatch: the last pass ends instead. */
const MIN_SLICE_MS = 50;

const rssMb = (): number => Math.round(process.memoryUsage().rss / 2 ** 20);
/** Per-pass RSS samples kept: ~10 days of 60 s passes, a few tens of KB in the report. */
export const MAX_RSS_SAMPLES = 15_000;

export async function* soakPasses(planned: PlannedWork[], o: SoakOptions): AsyncGenerator<RunEvent, SoakInfo> {
  const deadline = o.t0 + o.durationMs;
  const runnable = Math.max(1, planned.filter((p) => p.skip === undefined).length);
  const slice = o.passMs / runnable;
  const totals = new Map<string, ConfigResult>();
  const nextTrials = new Map<string, number>();
  const info: SoakInfo = { passes: 0, durationMs: o.durationMs, complete: false, rssMb: { first: 0, max: 0, last: 0, byPass: [] } };
  let trials = 0;
  let failures = 0;
  const ordered = (): ConfigResult[] => planned.map((p) => totals.get(p.config.key)).filter((r): r is ConfigResult => r !== undefined);
  const fold = (p: PlannedWork, pass: ConfigResult): void => {
    totals.set(p.config.key, accumulate(totals.get(p.config.key), pass));
    trials += pass.trials;
    failures += pass.failedTrials;
  };
  while (!o.stop() && deadline - performance.now() >= MIN_SLICE_MS) {
    if (o.lanes !== undefined) {
      // Side by side: every item of the pass, each copy going on from where it stopped last pass.
      const nextOfCopy = new Map<string, number>();
      const copyKey = (index: number, copy: number): string => `${planned[index]!.config.key}#${copy}`;
      const pass = yield* runParallel({
        items: planned,
        lanes: o.lanes,
        one: o.one,
        budgetOf: () => ({ timeMs: Math.min(slice, Math.max(0, deadline - performance.now())) }),
        firstTrialOf: (index, copy) => nextTrials.get(copyKey(index, copy)),
        onNextTrial: (index, copy, next) => nextOfCopy.set(copyKey(index, copy), next),
        minShareMs: slice,
        failFast: false,
        announce: false,
        t0: o.t0,
        trialsBefore: trials,
        failuresBefore: failures,
      });
      for (const [k, v] of nextOfCopy) nextTrials.set(k, v);
      pass.results.forEach((r, i) => r !== undefined && fold(planned[i]!, r));
    }
    for (let i = 0; o.lanes === undefined && i < planned.length; i++) {
      const p = planned[i]!;
      const left = deadline - performance.now();
      if (o.stop() || left < MIN_SLICE_MS) break;
      const prev = totals.get(p.config.key);
      if (p.skip !== undefined && prev !== undefined) continue;
      const from = nextTrials.get(p.config.key) ?? p.slice?.firstTrial ?? 0;
      const pass = await runConfiguration(p, { ...o.one, budget: { timeMs: Math.min(slice, left) }, firstTrial: from });
      fold(p, pass);
      // A pass that ended before its first batch (prepare threw) has no nextTrial: stay where it was.
      nextTrials.set(p.config.key, pass.nextTrial ?? from);
      yield { type: 'progress', config: p.config, trials: totals.get(p.config.key)!.trials, elapsedMs: performance.now() - o.t0, totalTrials: trials, totalFailures: failures, configsLeft: planned.length - i - 1 };
    }
    info.passes++;
    const rss = rssMb();
    if (info.passes === 1) info.rssMb.first = rss;
    info.rssMb.max = Math.max(info.rssMb.max, rss);
    info.rssMb.last = rss;
    if (info.rssMb.byPass.length < MAX_RSS_SAMPLES) info.rssMb.byPass.push(rss);
    const summary: RunSummary = { ...o.base, configs: ordered(), durationMs: performance.now() - o.t0, soak: { ...info, rssMb: { ...info.rssMb, byPass: [...info.rssMb.byPass] } } };
    summary.exitCode = exitCodeFor(summary);
    yield { type: 'checkpoint', summary };
  }
  info.complete = !o.stop();
  const finals = ordered();
  for (let index = 0; index < finals.length; index++) {
    yield { type: 'config-start', config: finals[index]!.config, index, total: finals.length };
    yield { type: 'config-end', result: finals[index]!, index, total: finals.length };
  }
  o.results.push(...finals);
  return info;
}

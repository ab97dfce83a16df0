/**
 * Detection power: for every canary configuration (core suites and the
 * conformance suites' gallery bugs, default matrix), how soon shakedown with
 * default settings catches it, next to a naive repeat loop (naive-loop.ts)
 * given the same 5 s. Repeated `reps` times with different seeds; medians.
 */
import { DEFAULT_TIMEOUT_MS, DEFAULT_TRACE_EVENTS } from '../../harness/core/settings/defaults.js';
import { executeConfiguration } from '../../harness/core/execute/executor.js';
import { type PlannedConfig, plan } from '../../harness/core/plan/plan.js';
import { WorkerGroups } from '../../harness/core/execute/pools.js';
import { type DetectionRow, censoredMedian } from '../lib/detection-table.js';
import { type NaiveResult, naiveLoop } from './naive-loop.js';

/** The goal: every canary caught within this by default. */
export const GOAL_MS = 5000;

export type { DetectionRow };

export async function canaryConfigs(group: 'core' | 'gallery'): Promise<PlannedConfig[]> {
  // Free-running only: the controlled configurations of the default matrix have their own part (controlled-detection.ts).
  const all = await plan({ suites: group === 'core' ? [] : ['conformance'], schedule: ['free'], seed: 'bench-detection' }, false);
  return all.filter((p) => p.config.canary && p.skip === undefined);
}

/** Shakedown as `stress run --max-failures 1` would run one configuration: default timeout, capped at GOAL_MS. */
async function shakedownOnce(groups: WorkerGroups, p: PlannedConfig, seed: string): Promise<{ ms: number; trials: number }> {
  const config = { ...p.config, seed };
  const r = await executeConfiguration(p.suite, config, { timeoutMs: DEFAULT_TIMEOUT_MS, traceEvents: DEFAULT_TRACE_EVENTS, budget: { timeMs: GOAL_MS }, maxFailures: 1, groups });
  const d = r.firstDetection;
  return d === undefined || d.ms > GOAL_MS ? { ms: NaN, trials: NaN } : { ms: d.ms, trials: d.trial + 1 };
}

async function perTrialProbability(groups: WorkerGroups, p: PlannedConfig): Promise<{ p: number; trials: number }> {
  // Bounded both ways: hang canaries stop after the executor's 3 recoveries (~1 s each), so their p rests on few trials.
  const r = await executeConfiguration(p.suite, { ...p.config, seed: 'bench-p' }, { timeoutMs: DEFAULT_TIMEOUT_MS, traceEvents: DEFAULT_TRACE_EVENTS, budget: { runs: 2000, timeMs: 3000 }, groups });
  return { p: r.trials === 0 ? NaN : r.failedTrials / r.trials, trials: r.trials };
}

export async function detectionRows(group: 'core' | 'gallery', reps: number, naiveReps: number, naiveMs: number, log: (s: string) => void): Promise<DetectionRow[]> {
  const configs = await canaryConfigs(group);
  const warm = (await plan({ suites: ['counter'], grep: 'atomic/t2/c-all/j-none$', seed: 'bench-warm' }, false))[0]!;
  const naiveByThreads = new Map<string, NaiveResult[]>();
  const rows: DetectionRow[] = [];
  const groups = new WorkerGroups();
  try {
    for (const p of configs) {
      // Start the group first, as an earlier configuration of a run would have (a canary may hang: warm with a correct suite).
      await executeConfiguration(warm.suite, { ...warm.config, threads: p.config.threads }, { timeoutMs: DEFAULT_TIMEOUT_MS, traceEvents: 8, budget: { runs: 8 }, groups });
      const ms: number[] = [];
      const trials: number[] = [];
      for (let i = 0; i < reps; i++) {
        const s = await shakedownOnce(groups, p, `bench-detection-${i}`);
        ms.push(s.ms);
        trials.push(s.trials);
      }
      const prob = await perTrialProbability(groups, p);
      const naiveKey = `${p.config.suite}/${p.config.variant}/t${p.config.threads}`;
      let naive = naiveByThreads.get(naiveKey);
      if (naive === undefined && naiveReps > 0) {
        // The naive loop runs alone: no shakedown worker group competes with it for the 2 cores.
        await groups.close();
        naive = [];
        for (let i = 0; i < naiveReps; i++) naive.push(await naiveLoop(p.suite, p.config, naiveMs));
        naiveByThreads.set(naiveKey, naive);
      }
      const row: DetectionRow = {
        group,
        key: p.config.key,
        bug: p.config.bug ?? '',
        ms,
        trials,
        caught: ms.filter(Number.isFinite).length,
        reps,
        pPerTrial: prob.p,
        pTrials: prob.trials,
        naive: naive ?? [],
      };
      rows.push(row);
      log(`${row.key}: caught ${row.caught}/${reps}, median ${censoredMedian(ms).toFixed(0)} ms, p ${prob.p.toFixed(4)}; naive caught ${row.naive.filter((n) => n.caught).length}/${row.naive.length}\n`);
    }
  } finally {
    await groups.close();
  }
  return rows;
}

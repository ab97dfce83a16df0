/**
 * Detection under controlled scheduling (issue 13): for every canary configuration planned with
 * `--schedule ctl` (one per suite, variant and threads), how soon a controlled run catches it
 * (time and trials to the first detection, stopped there as `--max-failures 1` would), its
 * failure rate per trial over a fixed budget, what one scheduling step costs (from the
 * onControlledTrial summaries), and how often the first failure's token reproduces when
 * replayed through the public replay() API. Every run is bounded by trials and by time, so a
 * configuration that never fails under control costs at most its caps.
 */
import { DEFAULT_TIMEOUT_MS, DEFAULT_TRACE_EVENTS } from '../../harness/core/settings/defaults.js';
import { executeConfiguration } from '../../harness/core/execute/executor.js';
import { type PlannedConfig, plan } from '../../harness/core/plan/plan.js';
import type { WorkerGroups } from '../../harness/core/execute/pools.js';
import type { ConfigResult } from '../../harness/core/grade/results.js';
import { replay } from '../../harness/core/replay.js';
import type { ControlledRow } from '../lib/detection-table.js';

/** Caps of one controlled search for the first detection: the same 5 s as the free goal, and a trial cap. */
export const CONTROLLED_GOAL_MS = 5000;
const CONTROLLED_GOAL_TRIALS = 20_000;
/** The fixed budget the per-trial rate and the step cost are measured over. */
const RATE_TRIALS = 300;
const RATE_MS = 4000;

export async function controlledCanaryConfigs(group: 'core' | 'gallery'): Promise<PlannedConfig[]> {
  const all = await plan({ suites: group === 'core' ? [] : ['conformance'], schedule: ['ctl'], seed: 'bench-detection' }, false);
  return all.filter((p) => p.config.canary && p.skip === undefined);
}

/** The first failing sample's token (the earliest trial over all invariants, hangs and errors included). */
function firstToken(r: ConfigResult): { token: string; invariant: string } | undefined {
  const samples = [
    ...r.invariants.flatMap((i) => i.samples.map((s) => ({ trial: s.trial, token: s.replay, invariant: i.name }))),
    ...r.hangs.samples.map((s) => ({ trial: s.trial, token: s.replay, invariant: 'hang' })),
  ].sort((a, b) => a.trial - b.trial);
  const s = samples[0];
  return s === undefined ? undefined : { token: s.token, invariant: s.invariant };
}

async function firstDetection(groups: WorkerGroups, p: PlannedConfig, seed: string): Promise<{ ms: number; trials: number; token?: string; invariant?: string }> {
  const r = await executeConfiguration(p.suite, { ...p.config, seed }, {
    timeoutMs: DEFAULT_TIMEOUT_MS,
    traceEvents: DEFAULT_TRACE_EVENTS,
    budget: { timeMs: CONTROLLED_GOAL_MS, runs: CONTROLLED_GOAL_TRIALS },
    maxFailures: 1,
    groups,
  });
  const d = r.firstDetection;
  if (d === undefined || d.ms > CONTROLLED_GOAL_MS) return { ms: NaN, trials: NaN };
  const t = firstToken(r);
  return { ms: d.ms, trials: d.trial + 1, ...(t !== undefined ? t : {}) };
}

/** Failed trials / trials over a fixed budget, with steps and preemptions summed from onControlledTrial. */
async function rateAndStepCost(groups: WorkerGroups, p: PlannedConfig): Promise<Pick<ControlledRow, 'pPerTrial' | 'pTrials' | 'stepsPerTrial' | 'usPerTrial' | 'usPerStep' | 'tooLong'>> {
  let steps = 0;
  let counted = 0;
  let tooLong = 0;
  const t0 = performance.now();
  const r = await executeConfiguration(p.suite, { ...p.config, seed: 'bench-p' }, {
    timeoutMs: DEFAULT_TIMEOUT_MS,
    traceEvents: DEFAULT_TRACE_EVENTS,
    budget: { runs: RATE_TRIALS, timeMs: RATE_MS },
    groups,
    onControlledTrial: (_trial, c) => {
      steps += c.steps;
      counted++;
      if (c.tooLong !== undefined) tooLong++;
    },
  });
  // Wall time of the whole fixed-budget run (trial set-up, grading and IPC included) over its steps:
  // what one scheduling step costs a user, not the bare hand-over.
  const us = (performance.now() - t0) * 1000;
  return {
    pPerTrial: r.trials === 0 ? NaN : r.failedTrials / r.trials,
    pTrials: r.trials,
    stepsPerTrial: counted === 0 ? NaN : steps / counted,
    usPerTrial: r.trials === 0 ? NaN : us / r.trials,
    usPerStep: steps === 0 ? NaN : us / steps,
    tooLong,
  };
}

/**
 * One row per controlled canary configuration. `freeMs` gives the free-running median (ms) and
 * trials of the same suite/variant/threads at jitter none, measured by detectionRows, for the ratio.
 */
export async function controlledRows(
  group: 'core' | 'gallery',
  reps: number,
  replayRuns: number,
  groups: WorkerGroups,
  free: (suite: string, variant: string, threads: number) => { ms: number; trials: number } | undefined,
  log: (s: string) => void,
): Promise<ControlledRow[]> {
  const rows: ControlledRow[] = [];
  for (const p of await controlledCanaryConfigs(group)) {
    const ms: number[] = [];
    const trials: number[] = [];
    let token: string | undefined;
    let invariant: string | undefined;
    for (let i = 0; i < reps; i++) {
      const d = await firstDetection(groups, p, `bench-controlled-${i}`);
      ms.push(d.ms);
      trials.push(d.trials);
      token ??= d.token;
      invariant ??= d.invariant;
    }
    const rate = await rateAndStepCost(groups, p);
    let reproduced = NaN;
    let replayed = 0;
    if (token !== undefined && replayRuns > 0) {
      // replay() runs in its own worker group: the token alone must be enough, as for a user.
      const r = await replay(token, { runs: replayRuns });
      reproduced = r.failedTrials;
      replayed = r.trials;
    }
    const f = free(p.config.suite, p.config.variant, p.config.threads);
    const row: ControlledRow = {
      group,
      key: p.config.key,
      ms,
      trials,
      caught: ms.filter(Number.isFinite).length,
      reps,
      ...rate,
      reproduced,
      replayed,
      firstInvariant: invariant ?? '',
      freeMs: f?.ms ?? NaN,
      freeTrials: f?.trials ?? NaN,
    };
    rows.push(row);
    log(`${row.key}: caught ${row.caught}/${reps}, first via "${row.firstInvariant}", p ${row.pPerTrial.toFixed(4)}, ${row.stepsPerTrial.toFixed(0)} steps/trial, ${row.usPerStep.toFixed(1)} us/step, replay ${reproduced}/${replayed}\n`);
  }
  return rows;
}

/**
 * Section 2: locks under contention. Each row compares like with like: the Lock against a raw futex
 * lock written with the Lock's own algorithm (the owner's token and a waiters bit in one word, the
 * same spin budget) and nothing else: no held list, no deadlock detection, no yield points. So the
 * ratio measures those extras. Drepper's mutex2, the baseline while the Lock kept its owner in a
 * second word, is kept as a row of its own.
 *
 * With no think time (the old rows, kept), every worker re-takes the lock the moment it lets go:
 * which one wins decides the figure (a worker that keeps the lock for 60 operations in a row runs
 * near single-thread speed, one that hands over after 5 pays a cache-line move and often a futex
 * wake-up each time), so those ratios swing between sittings (1.2x to 0.3x, issue 19). With think
 * time after each release, as in real programs, the regime is steadier; the goals are on those rows.
 * Each row also reports operations per change of holder and a fairness figure for both locks.
 */
import { Lock, setDeadlockDetection } from '@shakedown/primitives';
import { newControl } from '../../lib/control.js';
import { type Row, makeRow } from '../../lib/row.js';
import { median } from '../../lib/stats.js';
import { thinkStepsPerNs } from '../../lib/think.js';
import { lineTransferNs } from '../../lib/line-transfer.js';
import { runTrial } from '../../lib/trial.js';
import { CONTENDED, REPS } from '../config.js';
import { noteFailure } from '../failures.js';
import type { ContendedKind, ContendedResult, ContendedSpec } from '../tasks/spec.js';
import type { SuiteResult } from '../suite.js';
import { WORKER_URL } from '../worker-url.js';

const SECTION = '2 contended';
const UNIT = 'ops/s';
const BASELINE = 'same-algorithm futex lock';
/** The baseline until the Lock's owner moved into its state word (issue 19): kept, so the move itself is measured. */
const MUTEX2 = 'mutex2 futex lock (separate owner word era)';

interface Variant {
  key: string;
  label: string;
  kind: ContendedKind;
  detection: boolean;
}
const VARIANTS: Variant[] = [
  { key: 'lock', label: 'Lock', kind: 'lock', detection: true },
  { key: 'lockNoDetect', label: 'Lock, detection off', kind: 'lock', detection: false },
  { key: 'futex', label: BASELINE, kind: 'futex', detection: true },
  { key: 'mutex2', label: MUTEX2, kind: 'mutex2', detection: true },
  { key: 'spin', label: 'barging spinlock', kind: 'spin', detection: true },
];

interface Outcome {
  rate: number;
  /** Operations per change of holder: in the tens, one worker kept re-taking the lock; near 1, workers alternated. */
  opsPerHandoff: number;
  /** Fewest acquisitions of a worker over the most (1 = every worker got the lock equally often). */
  fairness: number;
}

/** The two locks of a goal row, run CONTENDED.goalReps times in all. */
const GOAL_VARIANTS = VARIANTS.filter((v) => v.key === 'lock' || v.key === 'futex');

const FAILED: Outcome = { rate: NaN, opsPerHandoff: NaN, fairness: NaN };

/** One fixed-duration run on fresh workers; ops/s over the slowest worker's span. */
async function trial(v: Variant, threads: number, thinkSteps: number): Promise<Outcome> {
  const control = newControl();
  const lock = new Lock({ name: `contended-${v.key}` });
  // Lock word and counter on separate cache lines, as for the Lock (whose words are its own SharedArrayBuffer).
  const shared = new SharedArrayBuffer(128);
  // The raw locks' word is the state word of a Lock of their own: the same kind of memory, placed
  // the same way, as the Lock's (a word in a buffer of the bench's own sat beside the counter's line).
  const word = new Int32Array(lock.buffer, lock.byteOffset, 1);
  const counter = new Int32Array(shared, 64, 2);
  const spec: ContendedSpec = { task: 'contended', kind: v.kind, control, lock: lock.handle(), word, counter, workerId: 0, thinkSteps, timeoutMs: CONTENDED.timeoutMs };
  // Detection is one process-wide switch, read by every thread on each lock operation.
  setDeadlockDetection(v.detection);
  try {
    const results = (await runTrial({
      workerUrl: WORKER_URL,
      data: Array.from({ length: threads }, (_, i) => ({ ...spec, workerId: i + 1 })),
      control,
      runMs: CONTENDED.runMs,
      timeoutMs: CONTENDED.runMs + CONTENDED.timeoutMs,
    })) as ContendedResult[];
    const ops = results.reduce((s, r) => s + r.ops, 0);
    // The counter is only incremented under the lock: a mismatch means mutual exclusion failed.
    if (counter[0] !== (ops | 0)) throw new Error(`counter ${counter[0]} != ${ops} operations: lost updates`);
    const seconds = Math.max(...results.map((r) => r.elapsedMs)) / 1000;
    const handoffs = results.reduce((s, r) => s + r.handoffs, 0);
    const each = results.map((r) => r.ops);
    return { rate: ops / seconds, opsPerHandoff: ops / Math.max(1, handoffs), fairness: Math.min(...each) / Math.max(1, ...each) };
  } finally {
    setDeadlockDetection(true);
  }
}

type Samples = Map<string, { rate: number[]; opsPerHandoff: number[]; fairness: number[] }>;

function collect(samples: Samples, key: string, threads: number, thinkNs: number): { rate: number[]; opsPerHandoff: number[]; fairness: number[] } {
  const k = `${key}/${threads}/${thinkNs}`;
  let s = samples.get(k);
  if (s === undefined) samples.set(k, (s = { rate: [], opsPerHandoff: [], fairness: [] }));
  return s;
}

const thinkLabel = (ns: number): string => (ns === 0 ? 'no think time (barging regime)' : ns >= 1000 ? `think ${ns / 1000} us` : `think ${ns} ns`);

/** Printed under the table: how each lock was shared out, the figures that explain a ratio. */
export function describeSharing(samples: Samples): string {
  const lines: string[] = [];
  for (const thinkNs of CONTENDED.thinkNs) {
    for (const n of CONTENDED.threads) {
      const parts = VARIANTS.map((v) => {
        const s = collect(samples, v.key, n, thinkNs);
        return `${v.label} ${median(s.opsPerHandoff).toFixed(1)} / ${median(s.fairness).toFixed(2)}`;
      });
      lines.push(`  x${n}, ${thinkLabel(thinkNs)}: ${parts.join('; ')}`);
    }
  }
  return `contended, operations per change of holder / fairness (medians; ops/handoff high = one worker kept re-taking the lock, ~1 = alternating; fairness = fewest acquisitions of a worker over the most):\n${lines.join('\n')}`;
}

export async function contendedSuite(): Promise<SuiteResult> {
  const samples: Samples = new Map();
  const stepsPerNs = thinkStepsPerNs();
  // Before and after: the machine's core placement can change during the section too.
  const transferBefore = await lineTransferNs();
  const runOne = async (v: Variant, threads: number, thinkNs: number, rep: number): Promise<void> => {
    let outcome = FAILED;
    try {
      outcome = await trial(v, threads, Math.round(thinkNs * stepsPerNs));
    } catch (err) {
      noteFailure(`contended ${v.key} x${threads} ${thinkLabel(thinkNs)} rep ${rep}`, err);
    }
    const s = collect(samples, v.key, threads, thinkNs);
    s.rate.push(outcome.rate);
    s.opsPerHandoff.push(outcome.opsPerHandoff);
    s.fairness.push(outcome.fairness);
  };
  // Repetition-major order: a stretch of background load spreads over all variants instead of sinking one.
  for (let rep = 0; rep < REPS; rep++) {
    for (const thinkNs of CONTENDED.thinkNs) {
      for (const threads of CONTENDED.threads) {
        for (const v of VARIANTS) await runOne(v, threads, thinkNs, rep);
      }
    }
  }
  // More runs of the goal rows' two locks, still interleaved: see CONTENDED.goalReps.
  for (let rep = REPS; rep < CONTENDED.goalReps; rep++) {
    for (const thinkNs of CONTENDED.thinkNs.filter((ns) => ns > 0)) {
      for (const threads of CONTENDED.threads) {
        for (const v of GOAL_VARIANTS) await runOne(v, threads, thinkNs, rep);
      }
    }
  }
  const rows: Row[] = [];
  for (const thinkNs of CONTENDED.thinkNs) {
    for (const n of CONTENDED.threads) {
      const of = (key: string): { rate: number[]; opsPerHandoff: number[]; fairness: number[] } => collect(samples, key, n, thinkNs);
      // Not medians: each run settles into one of two sharing patterns (CONTENDED.goalReps); ratios by repetition (row.ts).
      const common = { section: SECTION, unit: UNIT, sense: 'higher-is-better' as const, statistic: 'paired' as const };
      const base = { baselineName: BASELINE, baseline: of('futex').rate };
      const sharing = (key: string): Record<string, number[]> => ({
        figureOpsPerHandoff: of(key).opsPerHandoff,
        baselineOpsPerHandoff: of('futex').opsPerHandoff,
        figureFairness: of(key).fairness,
        baselineFairness: of('futex').fairness,
      });
      const at = `${n} workers, ${thinkLabel(thinkNs)}`;
      // The goal is on the like-for-like rows only: with no think time the ratio says who re-took the lock first.
      const goal = thinkNs > 0 ? { goal: 0.8 } : {};
      rows.push(
        makeRow({ ...common, name: `Lock, ${at}`, figure: of('lock').rate, ...base, ...goal, extra: sharing('lock') }),
        makeRow({ ...common, name: `Lock, detection off, ${at}`, figure: of('lockNoDetect').rate, ...base, extra: sharing('lockNoDetect') }),
        makeRow({ ...common, name: `barging spinlock, ${at}`, figure: of('spin').rate, ...base, extra: sharing('spin') }),
        makeRow({ ...common, name: `${MUTEX2}, ${at}`, figure: of('mutex2').rate, ...base, extra: sharing('mutex2') }),
      );
    }
  }
  const transferAfter = await lineTransferNs();
  return {
    rows,
    notes: [
      `contended rows: figure and baseline are means of the runs, the ratio the geometric mean of each repetition's ratio (its two runs back to back, so a change of the machine between repetitions cancels out); ` +
        `a run settles into one of two sharing patterns, and a median of a few runs says which pattern won most often. ` +
        `The Lock and its baseline ran ${Math.max(REPS, CONTENDED.goalReps)} times on the think-time rows, every other variant ${REPS} times`,
      describeSharing(samples),
      `think time: ${stepsPerNs.toFixed(2)} integer steps per ns, measured on the main thread`,
      `cache-line transfer between two cores (one way, ping-pong median): ${transferBefore.toFixed(0)} ns before the section, ${transferAfter.toFixed(0)} ns after. ` +
        'Every change of holder pays it, so it sets the contended rates; a sitting where it differs is a different machine for those rows.',
    ],
  };
}

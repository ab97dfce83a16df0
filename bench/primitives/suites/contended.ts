import { Lock, setDeadlockDetection } from '@shakedown/primitives';
import { newControl } from '../../lib/control.js';
import { type Row, makeRow } from '../../lib/row.js';
import { median } from '../../lib/stats.js';
import { runTrial } from '../../lib/trial.js';
import { CONTENDED, REPS } from '../config.js';
import { noteFailure } from '../failures.js';
import type { ContendedKind, ContendedResult, ContendedSpec } from '../tasks/spec.js';
import type { SuiteResult } from '../suite.js';
import { WORKER_URL } from '../worker-url.js';

const SECTION = '2 contended';
const UNIT = 'ops/s';

interface Variant {
  key: string;
  label: string;
  kind: ContendedKind;
  detection: boolean;
}
const VARIANTS: Variant[] = [
  { key: 'lock', label: 'Lock', kind: 'lock', detection: true },
  { key: 'lockNoDetect', label: 'Lock, detection off', kind: 'lock', detection: false },
  { key: 'futex', label: 'raw futex lock', kind: 'futex', detection: true },
  { key: 'spin', label: 'spinlock', kind: 'spin', detection: true },
];

interface Outcome {
  rate: number;
  /**
   * Operations per change of holder. In the thousands, one worker kept
   * re-taking the lock while the others slept: the fastest regime, near
   * single-thread speed. Near 1, workers alternated. Which regime a run falls
   * into is what makes contended rates swing 3x between repetitions.
   */
  opsPerHandoff: number;
}

/** One fixed-duration run on fresh workers; ops/s over the slowest worker's span. */
async function trial(v: Variant, threads: number): Promise<Outcome> {
  const control = newControl();
  const lock = new Lock({ name: `contended-${v.key}` });
  // Lock word and counter on separate cache lines, as for the Lock (whose words are its own SharedArrayBuffer).
  const shared = new SharedArrayBuffer(128);
  const word = new Int32Array(shared, 0, 1);
  const counter = new Int32Array(shared, 64, 2);
  const spec: ContendedSpec = { task: 'contended', kind: v.kind, control, lock: lock.handle(), word, counter, workerId: 0, timeoutMs: CONTENDED.timeoutMs };
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
    return { rate: ops / seconds, opsPerHandoff: ops / Math.max(1, handoffs) };
  } finally {
    setDeadlockDetection(true);
  }
}

type Samples = Map<string, { rate: number[]; opsPerHandoff: number[] }>;

function collect(samples: Samples, key: string, threads: number): { rate: number[]; opsPerHandoff: number[] } {
  const k = `${key}/${threads}`;
  let s = samples.get(k);
  if (s === undefined) samples.set(k, (s = { rate: [], opsPerHandoff: [] }));
  return s;
}

/** Printed under the table: without it a 3x swing in a baseline looks like noise rather than a change of regime. */
export function describeFairness(samples: Samples): string {
  const parts: string[] = [];
  for (const n of CONTENDED.threads) {
    for (const v of VARIANTS) parts.push(`${v.label} x${n}: ${median(collect(samples, v.key, n).opsPerHandoff).toFixed(0)}`);
  }
  return `contended, operations per change of holder (median; high = one worker kept the lock, ~1 = alternating): ${parts.join(', ')}`;
}

export async function contendedSuite(): Promise<SuiteResult> {
  const samples: Samples = new Map();
  // Repetition-major order: a stretch of background load spreads over all variants instead of sinking one.
  for (let rep = 0; rep < REPS; rep++) {
    for (const threads of CONTENDED.threads) {
      for (const v of VARIANTS) {
        let outcome: Outcome = { rate: NaN, opsPerHandoff: NaN };
        try {
          outcome = await trial(v, threads);
        } catch (err) {
          noteFailure(`contended ${v.key} x${threads} rep ${rep}`, err);
        }
        const s = collect(samples, v.key, threads);
        s.rate.push(outcome.rate);
        s.opsPerHandoff.push(outcome.opsPerHandoff);
      }
    }
  }
  const rows: Row[] = [];
  for (const n of CONTENDED.threads) {
    const at = (key: string): number[] => collect(samples, key, n).rate;
    const handoff = (key: string): number[] => collect(samples, key, n).opsPerHandoff;
    const common = { section: SECTION, unit: UNIT, sense: 'higher-is-better' as const };
    const futex = { baselineName: 'raw futex lock', baseline: at('futex') };
    rows.push(
      makeRow({ ...common, name: `Lock, ${n} workers`, figure: at('lock'), ...futex, goal: 0.8, extra: { figureOpsPerHandoff: handoff('lock'), baselineOpsPerHandoff: handoff('futex') } }),
      makeRow({ ...common, name: `Lock, detection off, ${n} workers`, figure: at('lockNoDetect'), ...futex, extra: { figureOpsPerHandoff: handoff('lockNoDetect'), baselineOpsPerHandoff: handoff('futex') } }),
      makeRow({ ...common, name: `Lock, detection on vs off, ${n} workers`, figure: at('lock'), baselineName: 'detection off', baseline: at('lockNoDetect') }),
      makeRow({ ...common, name: `spinlock, ${n} workers`, figure: at('spin'), ...futex, extra: { figureOpsPerHandoff: handoff('spin'), baselineOpsPerHandoff: handoff('futex') } }),
    );
  }
  return { rows, notes: [describeFairness(samples)] };
}

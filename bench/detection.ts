/**
 * `npm run bench:detection`: detection power of the default settings for every
 * canary and gallery bug, against a naive repeat loop given the same 5 s
 * (bench/harness/detection.ts). Separate from bench:harness because it runs
 * every canary configuration several times (a few minutes on 2 cores).
 */
import { loadavg } from 'node:os';
import { machineInfo } from './lib/machine.js';
import { writeJsonAtomic } from './lib/atomic-write.js';
import { formatDetectionTable } from './lib/detection-table.js';
import { GOAL_MS, detectionRows } from './harness/detection.js';
import { DEFAULT_TIMEOUT_MS } from '../harness/core/settings/defaults.js';

const REPS = Number(process.env.BENCH_REPS ?? 3);
/** The naive loop costs up to its whole budget per repetition when it never catches a bug. */
const NAIVE_REPS = Number(process.env.BENCH_NAIVE_REPS ?? 2);
const NAIVE_MS = Number(process.env.BENCH_NAIVE_S ?? 5) * 1000;
const GROUPS = (process.env.BENCH_DETECTION_GROUPS ?? 'core,gallery').split(',') as Array<'core' | 'gallery'>;

// The bench must end by itself even if a worker wedges: every wait below has a timeout, this is the backstop.
const backstop = setTimeout(() => {
  process.stderr.write('bench:detection: backstop after 20 min, exiting\n');
  process.exit(2);
}, 20 * 60_000);
backstop.unref();

const t0 = performance.now();
const load0 = loadavg();
const rows = [];
for (const g of GROUPS) rows.push(...(await detectionRows(g, REPS, NAIVE_REPS, NAIVE_MS, (s) => process.stderr.write(s))));
const load1 = loadavg();
const machine = machineInfo();
const missed = rows.filter((r) => r.caught < r.reps);
const naiveNever = rows.filter((r) => r.naive.length > 0 && r.naive.every((n) => !n.caught));
process.stdout.write(
  `\nmachine: nproc ${machine.nproc}, node ${machine.node}, cpu ${machine.cpu}; load average ${load0[0]!.toFixed(2)} at start, ${load1[0]!.toFixed(2)} at end\n` +
    `shakedown: default settings (timeout ${DEFAULT_TIMEOUT_MS} ms, jitter per configuration), stop at first detection, cap ${GOAL_MS / 1000} s; medians of ${REPS} repetitions\n` +
    `naive loop: fresh workers per iteration, no gate, no jitter, 2 s watchdog per iteration (a hang counts), ${NAIVE_MS / 1000} s budget, ${NAIVE_REPS} repetitions; ratio = naive ms / shakedown ms\n\n` +
    `${formatDetectionTable(rows, NAIVE_MS)}\n\n` +
    `goal (every canary caught within ${GOAL_MS / 1000} s in every repetition): ${missed.length === 0 ? 'met' : `MISSED by ${missed.map((r) => `${r.key} (${r.caught}/${r.reps})`).join(', ')}`}\n` +
    `naive loop never caught: ${naiveNever.length === 0 ? 'none' : naiveNever.map((r) => r.key).join(', ')}\n` +
    `elapsed ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
);
writeJsonAtomic('out/bench-detection.json', { machine, loadavg: { start: load0, end: load1 }, reps: REPS, naiveReps: NAIVE_REPS, naiveMs: NAIVE_MS, goalMs: GOAL_MS, rows });
process.stdout.write('wrote out/bench-detection.json\n');

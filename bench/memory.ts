/**
 * `npm run bench:memory`: RSS per idle worker, and RSS over a soak of the
 * default suites (BENCH_SOAK_S, default 60 s; the figure is for 600).
 */
import { loadavg } from 'node:os';
import { machineInfo } from './lib/machine.js';
import { formatTable } from './lib/table.js';
import { writeJsonAtomic } from './lib/atomic-write.js';
import { soak, soakRow, workerRssRows } from './harness/memory.js';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const SOAK_MS = Number(process.env.BENCH_SOAK_S ?? 60) * 1000;
/** Per configuration per pass: short, so that a 60 s soak still makes several passes over the matrix. */
const PER_CONFIG_MS = Number(process.env.BENCH_SOAK_CONFIG_MS ?? 250);

// Backstop: the soak's passes can overrun by a pass; a wedged run must still end.
const backstop = setTimeout(() => {
  process.stderr.write('bench:memory: backstop, exiting\n');
  process.exit(2);
}, SOAK_MS * 2 + 10 * 60_000);
backstop.unref();

const t0 = performance.now();
const load0 = loadavg();
const rows = await workerRssRows(REPS);
const s = await soak(SOAK_MS, PER_CONFIG_MS, (line) => process.stderr.write(line));
rows.push(soakRow(s));
const load1 = loadavg();
const machine = machineInfo();
process.stdout.write(
  `\nmachine: nproc ${machine.nproc}, node ${machine.node}, cpu ${machine.cpu}; load average ${load0[0]!.toFixed(2)} at start, ${load1[0]!.toFixed(2)} at end\n` +
    `RSS per worker: medians of ${REPS} repetitions. Soak: one run, ${s.passEnds.length} passes over the default matrix, ${PER_CONFIG_MS} ms per configuration per pass\n` +
    `ratio > 1 means less memory than the baseline; soak goal: end <= 1.10 x warm (ratio >= 0.91)\n\n${formatTable(rows)}\n\n` +
    `RSS at the end of each pass (MB): ${s.passEnds.map((r) => r.toFixed(0)).join(', ')}; main-thread heap in use (MB): ${s.passHeaps.map((r) => r.toFixed(0)).join(', ')}; max sampled ${Math.max(...s.samples.map(([, r]) => r)).toFixed(0)} MB\n` +
    `elapsed ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
);
writeJsonAtomic('out/bench-memory.json', { machine, loadavg: { start: load0, end: load1 }, reps: REPS, soakMs: SOAK_MS, perConfigMs: PER_CONFIG_MS, rows, soak: s });
process.stdout.write('wrote out/bench-memory.json\n');

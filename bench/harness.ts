/**
 * `npm run bench:harness`: how fast shakedown runs trials, against baselines
 * measured in the same run (medians of several repetitions; ratios, never
 * absolute timings, are what to read on a shared machine).
 */
import { machineInfo } from './lib/machine.js';
import { formatTable } from './lib/table.js';
import { writeJsonAtomic } from './lib/atomic-write.js';
import { throughputRows } from './harness/throughput.js';
import { oversubscriptionRows } from './harness/oversubscription.js';
import { jitterRows } from './harness/jitter.js';
import { jobsRows } from './harness/jobs.js';

const REPS = Number(process.env.BENCH_REPS ?? 3);

const t0 = performance.now();
const rows = [...(await throughputRows(REPS)), ...(await jitterRows(REPS)), ...(await oversubscriptionRows(REPS)), ...(await jobsRows(REPS))];
const machine = machineInfo();
process.stdout.write(`\nmachine: nproc ${machine.nproc}, node ${machine.node}, cpu ${machine.cpu}\nmedians of ${REPS} repetitions; ratio > 1 means faster than the baseline\n\n${formatTable(rows)}\n`);
const missed = rows.filter((r) => r.met === false).length;
process.stdout.write(`\ngoals met: ${rows.filter((r) => r.met === true).length}/${rows.filter((r) => r.met !== null).length}${missed ? ` (${missed} missed)` : ''}\nelapsed ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
writeJsonAtomic('out/bench-harness.json', { machine, reps: REPS, rows });
process.stdout.write('wrote out/bench-harness.json\n');

/**
 * `npm run bench:primitives`: what the primitives cost next to hand-written
 * baselines measured in the same run. Every figure is a median over fresh
 * workers, because the machine is shared and noisy.
 */
// Imported first: the thread registry must exist before any worker starts, so that workers inherit it.
import '@shakedown/primitives';
import { writeJsonAtomic } from './lib/atomic-write.js';
import { machineInfo } from './lib/machine.js';
import type { Row } from './lib/row.js';
import { formatTable } from './lib/table.js';
import { STABLE_WITHIN, compareWithLastSitting, readLastSitting } from './lib/sittings.js';
import { GLOBAL_WATCHDOG_MS, REPS } from './primitives/config.js';
import { failures } from './primitives/failures.js';
import { contendedSuite } from './primitives/suites/contended.js';
import { queueSuite } from './primitives/suites/queue.js';
import { uncontendedSuite } from './primitives/suites/uncontended.js';
import type { SuiteResult } from './primitives/suite.js';

const OUT = 'out/bench-primitives.json';
// Read before this run overwrites it: the table says which rows held since the sitting before.
const lastSitting = readLastSitting(OUT);
const rows: Row[] = [];
const notes: string[] = [];
const started = performance.now();

function report(complete: boolean): void {
  const machine = machineInfo();
  console.log(`\nmachine: nproc ${machine.nproc}, node ${machine.node}, cpu ${machine.cpu}`);
  console.log(`medians of ${REPS} repetitions (the contended rows: means, and paired ratios: see the note under the table); ratio > 1 means faster than the baseline`);
  compareWithLastSitting(rows, lastSitting);
  console.log(
    lastSitting === undefined
      ? 'no earlier sitting in out/ to compare with: run it again to see which rows are stable\n'
      : `last sitting: ${lastSitting.date}; a row is stable when its ratio moved by at most ${STABLE_WITHIN * 100}% since\n`,
  );
  console.log(formatTable(rows));
  for (const note of notes) console.log(`\n${note}`);
  const goals = rows.filter((r) => r.goal !== null);
  const held = rows.filter((r) => r.lastSitting !== undefined);
  const stable = held.length === 0 ? '' : `; rows stable since the last sitting: ${held.filter((r) => r.lastSitting!.stable).length}/${held.length}`;
  console.log(`\ngoals met: ${goals.filter((r) => r.met === true).length}/${goals.length}; trial failures: ${failures.length}${stable}`);
  console.log(`elapsed ${((performance.now() - started) / 1000).toFixed(1)} s${complete ? '' : ' (INCOMPLETE: watchdog fired)'}`);
  writeJsonAtomic(OUT, { date: new Date().toISOString(), complete, machine, reps: REPS, rows, notes, failures });
  console.log(`wrote ${OUT}`);
}

// A worker stuck outside any bounded wait is terminated by its trial's own watchdog; this one covers the rest.
const watchdog = setTimeout(() => {
  console.error(`global watchdog: bench still running after ${GLOBAL_WATCHDOG_MS} ms, reporting what finished`);
  report(false);
  process.exit(2);
}, GLOBAL_WATCHDOG_MS);
watchdog.unref();

const suites: [string, () => Promise<SuiteResult>][] = [
  ['uncontended', uncontendedSuite],
  ['contended', contendedSuite],
  ['queue', queueSuite],
];
// BENCH_SECTIONS=uncontended,contended reruns a subset while investigating; the default is everything.
const only = process.env.BENCH_SECTIONS?.split(',');
for (const [name, suite] of suites) {
  if (only !== undefined && !only.includes(name)) continue;
  const t0 = performance.now();
  console.error(`${name}...`);
  const result = await suite();
  rows.push(...result.rows);
  notes.push(...result.notes);
  console.error(`${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
clearTimeout(watchdog);
report(true);
process.exitCode = failures.length > 0 ? 1 : 0;

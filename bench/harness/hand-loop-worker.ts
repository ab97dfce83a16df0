/**
 * The hand-written minimal loop (the platform notes' ~0.65 us/trial figure):
 * reused workers, a sense-counting spin barrier before each trial, one plain
 * increment into that trial's own counter. No harness, no grading, no trace.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { gate, counters, trials, parties } = workerData as { gate: SharedArrayBuffer; counters: SharedArrayBuffer; trials: number; parties: number };
const g = new Int32Array(gate);
const c = new Int32Array(counters);
// Word 2: the start flag. Report ready, then wait for the main thread to start the clock.
parentPort!.postMessage('ready');
while (Atomics.load(g, 2) === 0) Atomics.wait(g, 2, 0, 10);
for (let t = 0; t < trials; t++) {
  // Spin barrier: word 0 counts arrivals, word 1 is the round; the last arrival resets and bumps.
  const round = Atomics.load(g, 1);
  if (Atomics.add(g, 0, 1) === parties - 1) {
    Atomics.store(g, 0, 0);
    Atomics.add(g, 1, 1);
  } else {
    while (Atomics.load(g, 1) === round) {
      /* spin: the group fits the cores */
    }
  }
  c[t] = c[t]! + 1;
}
parentPort!.postMessage('done');

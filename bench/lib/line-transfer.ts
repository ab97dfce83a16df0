/**
 * What moving a cache line between two cores costs right now: a ping-pong on one shared word
 * between this thread and a worker, each waiting (spinning) for the other's store. Printed beside
 * the contended rows because it decides them: on this kind of 2-vCPU VM the host sometimes places
 * the two vCPUs on one physical core (a transfer of a few ns, contended locks run near
 * uncontended speed) and sometimes on two (tens to hundreds of ns, every change of holder pays
 * it), and the rates move 3-6x between sittings with it.
 */
import { Worker } from 'node:worker_threads';

const ROUND_TRIPS = 100_000;
/** Either side gives up after this long: the probe must never hang the bench. */
const LIMIT_MS = 5_000;

const PONG = `
const { workerData } = require('node:worker_threads');
const { word, trips, limitMs } = workerData;
const until = Date.now() + limitMs;
for (let i = 0; i < trips; i++) {
  let spins = 0;
  // Wait for ping i (odd values), then answer with the next even value.
  while (Atomics.load(word, 0) !== 2 * i + 1) if ((++spins & 4095) === 0 && Date.now() > until) process.exit(3);
  Atomics.store(word, 0, 2 * i + 2);
}
`;

/** Nanoseconds per one-way transfer (half a round trip), median of `samples` runs; NaN if the probe failed. */
export async function lineTransferNs(samples = 3): Promise<number> {
  const results: number[] = [];
  for (let s = 0; s < samples; s++) {
    const word = new Int32Array(new SharedArrayBuffer(64));
    const worker = new Worker(PONG, { eval: true, workerData: { word, trips: ROUND_TRIPS, limitMs: LIMIT_MS } });
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const until = Date.now() + LIMIT_MS;
    let ok = true;
    // The first ping waits for the worker to start; the clock starts after it.
    let t0 = 0;
    for (let i = 0; i < ROUND_TRIPS && ok; i++) {
      if (i === 1) t0 = performance.now();
      Atomics.store(word, 0, 2 * i + 1);
      let spins = 0;
      while (Atomics.load(word, 0) !== 2 * i + 2) {
        if ((++spins & 4095) === 0 && Date.now() > until) {
          ok = false;
          break;
        }
      }
    }
    const elapsed = performance.now() - t0;
    if (!ok) await worker.terminate();
    await exited;
    if (ok) results.push((elapsed * 1e6) / (ROUND_TRIPS - 1) / 2);
  }
  results.sort((a, b) => a - b);
  return results.length === 0 ? NaN : results[results.length >> 1]!;
}

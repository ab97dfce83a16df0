/** The three baselines of the throughput section, each returning trials per second and lost updates. */
import { Worker } from 'node:worker_threads';
import { Tinypool } from 'tinypool';

export interface LoopResult {
  trialsPerSecond: number;
  races: number;
  trials: number;
}

const here = (f: string): URL => new URL(f, import.meta.url);

function waitMessage(w: Worker, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void w.terminate();
      reject(new Error('bench worker timed out'));
    }, timeoutMs);
    w.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    w.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export async function handLoop(trials: number, parties = 2): Promise<LoopResult> {
  const gate = new SharedArrayBuffer(12);
  const counters = new SharedArrayBuffer(4 * trials);
  const workers = Array.from({ length: parties }, () => new Worker(here('./hand-loop-worker.js'), { workerData: { gate, counters, trials, parties } }));
  let t0: number;
  try {
    // Worker start-up is a one-off cost (the harness pays it once per run too): start the clock once all are ready.
    await Promise.all(workers.map((w) => waitMessage(w, 30_000)));
    const done = Promise.all(workers.map((w) => waitMessage(w, 120_000)));
    t0 = performance.now();
    Atomics.store(new Int32Array(gate), 2, 1);
    Atomics.notify(new Int32Array(gate), 2);
    await done;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const seconds = (performance.now() - t0) / 1000;
  const c = new Int32Array(counters);
  let races = 0;
  for (let t = 0; t < trials; t++) if (c[t] !== parties) races++;
  return { trialsPerSecond: trials / seconds, races, trials };
}

export async function tinypoolPerTrial(trials: number, parties = 2): Promise<LoopResult> {
  const pool = new Tinypool({ filename: here('./tinypool-task.js').href, minThreads: parties, maxThreads: parties, isolateWorkers: false });
  let races = 0;
  try {
    // Warm up so the pool's start-up is not measured.
    await Promise.all(Array.from({ length: parties }, () => pool.run({ gate: new SharedArrayBuffer(8), counter: new SharedArrayBuffer(4), parties: 1 })));
    const t0 = performance.now();
    for (let t = 0; t < trials; t++) {
      const gate = new SharedArrayBuffer(8);
      const counter = new SharedArrayBuffer(4);
      await Promise.all(Array.from({ length: parties }, () => pool.run({ gate, counter, parties })));
      if (new Int32Array(counter)[0] !== parties) races++;
    }
    return { trialsPerSecond: trials / ((performance.now() - t0) / 1000), races, trials };
  } finally {
    await pool.destroy();
  }
}

const FRESH_BODY = `const { parentPort, workerData } = require('node:worker_threads');
const c = new Int32Array(workerData.counter); c[0] = c[0] + 1; parentPort.postMessage('done');`;

export async function freshWorkers(trials: number, parties = 2): Promise<LoopResult> {
  let races = 0;
  const t0 = performance.now();
  for (let t = 0; t < trials; t++) {
    const counter = new SharedArrayBuffer(4);
    const ws = Array.from({ length: parties }, () => new Worker(FRESH_BODY, { eval: true, workerData: { counter } }));
    try {
      await Promise.all(ws.map((w) => waitMessage(w, 30_000)));
    } finally {
      await Promise.all(ws.map((w) => w.terminate()));
    }
    if (new Int32Array(counter)[0] !== parties) races++;
  }
  return { trialsPerSecond: trials / ((performance.now() - t0) / 1000), races, trials };
}

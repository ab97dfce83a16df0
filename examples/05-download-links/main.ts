/**
 * 05: downloading links concurrently. Waiting on I/O is where concurrency
 * helps: 12 pages that each take 100 ms arrive in ~1.2 s one by one and in
 * ~0.3 s four at a time, with a Semaphore keeping at most 4 requests in
 * flight. CPU-bound work is different: only more cores help.
 */
import { availableParallelism } from 'node:os';
import { Semaphore, startThread } from '@shakedown/primitives';
import { burn } from './burn.js';
import { startPageServer } from './server.js';
import { expect, joinAll } from '../lib/report.js';

const PAGES = 12;
const DELAY_MS = 100;
const LIMIT = 4;
const server = await startPageServer(DELAY_MS, 2 * PAGES, 30_000);
const links = Array.from({ length: PAGES }, (_, i) => `${server.url}/page-${i}`);

async function download(link: string): Promise<number> {
  const res = await fetch(link, { signal: AbortSignal.timeout(5000) });
  return (await res.text()).length;
}

let t = performance.now();
for (const link of links) await download(link);
const oneByOne = performance.now() - t;
console.log(`I/O-bound: ${PAGES} pages, ${DELAY_MS} ms each`);
console.log(`  one by one              : ${oneByOne.toFixed(0)} ms`);

// The Semaphore bounds concurrency: each download holds a permit while its request is open.
const permits = new Semaphore(LIMIT, { name: 'connections' });
t = performance.now();
await Promise.all(links.map((link) => permits.withPermitAsync(() => download(link), 5000)));
const pooled = performance.now() - t;
await server.close();
console.log(`  ${LIMIT} at a time (Semaphore): ${pooled.toFixed(0)} ms, at most ${server.maxInFlight()} requests in flight at the server`);
expect(server.maxInFlight() <= LIMIT, `the Semaphore kept requests in flight to ${LIMIT}`);
expect(pooled < oneByOne / 2, 'concurrent downloads are faster');

const ROUNDS = 150_000_000;
const JOBS = 4;
t = performance.now();
for (let i = 0; i < JOBS; i++) burn(ROUNDS);
const cpuSerial = performance.now() - t;
t = performance.now();
await Promise.all(Array.from({ length: JOBS }, () => Promise.resolve().then(() => burn(ROUNDS))));
const cpuAsync = performance.now() - t;
t = performance.now();
const workers = Array.from({ length: JOBS }, (_, i) => startThread(new URL('./cpu-worker.js', import.meta.url), { name: `cpu-${i}`, workerData: ROUNDS }));
await joinAll(workers, 20_000);
const cpuThreads = performance.now() - t;
console.log(`CPU-bound: ${JOBS} jobs of ${(ROUNDS / 1e6).toFixed(0)}M hash rounds`);
console.log(`  one by one              : ${cpuSerial.toFixed(0)} ms`);
console.log(`  async (Promise.all)     : ${cpuAsync.toFixed(0)} ms  (one thread: no gain)`);
console.log(`  ${JOBS} worker threads        : ${cpuThreads.toFixed(0)} ms  (x${(cpuSerial / cpuThreads).toFixed(1)} on ${availableParallelism()} cores, at best x${Math.min(JOBS, availableParallelism())} when they are idle)`);

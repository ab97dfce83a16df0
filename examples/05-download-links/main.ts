/**
 * 05: downloading links concurrently. Waiting on I/O is where concurrency
 * helps: 12 pages that each take 100 ms arrive in ~1.2 s one by one and in
 * ~0.3 s four at a time, with a Semaphore keeping at most 4 requests in
 * flight. The same links (and two bad ones) through a ThreadPoolExecutor
 * with asCompleted, as Python's concurrent.futures example does it: one line
 * per page, one per failed link. CPU-bound work is different: async code
 * gains nothing, worker threads gain only with more cores (cpu-bound.ts).
 */
import { availableParallelism } from 'node:os';
import { Semaphore } from '@shakedown/primitives';
import { ThreadPoolExecutor, asCompleted } from 'shakedown';
import * as cpu from './cpu-bound.js';
import { startPageServer } from './server.js';
import { expect } from '../lib/report.js';

const PAGES = 12;
const DELAY_MS = 100;
const LIMIT = 4;
const server = await startPageServer(DELAY_MS, 3 * PAGES + 2, 30_000);
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
console.log(`  ${LIMIT} at a time (Semaphore): ${pooled.toFixed(0)} ms, at most ${server.maxInFlight()} requests in flight at the server`);
expect(server.maxInFlight() <= LIMIT, `the Semaphore kept requests in flight to ${LIMIT}`);
expect(pooled < oneByOne / 2, 'concurrent downloads are faster');

// Python's ThreadPoolExecutor example: submit every link, then handle each as it completes.
const LOAD = { module: new URL('./load-url.js', import.meta.url), target: 'loadUrl' };
const urls = [...links, `${server.url}/missing`, `${server.url}/reset`];
const path = (url: string): string => new URL(url).pathname;
let pages = 0;
let failures = 0;
console.log(`  ${LIMIT} worker threads (ThreadPoolExecutor), pages as they complete:`);
t = performance.now();
{
  await using pool = new ThreadPoolExecutor({ maxWorkers: LIMIT, threadNamePrefix: 'loader' });
  const futureToUrl = new Map(urls.map((url) => [pool.submit<string>(LOAD, url, 5000), url]));
  for await (const future of asCompleted(futureToUrl, { timeoutMs: 20_000 })) {
    const url = futureToUrl.get(future)!;
    try {
      const data = await future.result();
      pages++;
      console.log(`    ${path(url)} page is ${data.length} bytes`);
    } catch (err) {
      failures++;
      console.log(`    ${path(url)} generated an exception: ${(err as Error).message}`);
    }
  }
}
console.log(`    all done in ${(performance.now() - t).toFixed(0)} ms (the threads' start-up included), the pool shut down`);
await server.close();
expect(pages === PAGES && failures === 2, `every page loaded (${pages} of ${PAGES}) and each bad link failed once (${failures} of 2)`);

// CPU-bound: one job per core (at least 2), each ~0.1 s of hashing on an idle core.
const CORES = availableParallelism();
const JOBS = Math.max(2, CORES);
const ROUNDS = 100_000_000;
const REPS = 3;
const line = (label: string, m: cpu.Measure, note = ''): string =>
  `  ${label.padEnd(24)}: ${m.wallMs.toFixed(0).padStart(5)} ms wall, ${m.cpuMs.toFixed(0).padStart(5)} ms CPU, ${cpu.coresBusy(m).toFixed(1)} cores busy${note}`;

console.log(`CPU-bound: ${JOBS} jobs of ${ROUNDS / 1e6}M hash rounds on ${CORES} cores, each way ${REPS} times in turn, the fastest shown`);
console.log('(CPU: time used by all the process\'s threads; cores busy = CPU / wall)');
let c = await cpu.compare(JOBS, ROUNDS, REPS);
const FASTER = 0.9;
if (CORES >= 2 && c.threads.wallMs >= FASTER * c.oneByOne.wallMs) {
  // Other processes took the cores during the threads' runs: measure again before concluding.
  console.log(`  (threads x${(c.oneByOne.wallMs / c.threads.wallMs).toFixed(1)} so far: the machine is busy; ${REPS} more times each)`);
  c = await cpu.compare(JOBS, ROUNDS, REPS, c);
}
console.log(line('one by one', c.oneByOne));
console.log(line('async (Promise.all)', c.promiseAll, '  (one thread: no gain)'));
console.log(line(`${JOBS} worker threads`, c.threads, `  (x${(c.oneByOne.wallMs / c.threads.wallMs).toFixed(1)} the speed of one by one; thread start-up not timed)`));
// One thread cannot keep more than one core busy, however loaded the machine.
expect(cpu.coresBusy(c.promiseAll) < 1.2, 'Promise.all ran the CPU-bound jobs on one core');
// The workers ran their jobs at the same time (time-sliced when cores are short), not one after another.
expect((c.threads.allRunningMs ?? 0) > 0.25 * c.threads.wallMs, 'the worker threads ran their jobs at the same time');
if (CORES >= 2 && c.threads.wallMs >= FASTER * c.oneByOne.wallMs && cpu.coresBusy(c.threads) < 1.5) {
  // Linux shares the cores between busy sessions (autogroup), not between threads: while another
  // session keeps cores busy, this process may get one core however many threads it runs. Then the
  // gain cannot show, and that is the machine, not the example: only a slow run with the cores fails.
  console.log(`  not shown this time: other processes left this one about one core (${cpu.coresBusy(c.threads).toFixed(1)} busy in the threads' fastest run)`);
} else if (CORES >= 2) {
  expect(c.threads.wallMs < FASTER * c.oneByOne.wallMs, `${JOBS} worker threads beat one by one on ${CORES} cores`);
}

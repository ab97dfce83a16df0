/**
 * Suite code that runs on the main thread (setup, invariants, outcome, prepare) may loop forever
 * or block. Then nothing of ours runs again: the trial watchdog, the timers and the SIGINT/SIGTERM
 * handlers all live on that thread, so `stress run` would hang, deaf even to Ctrl-C and to a CI
 * `timeout`. A small worker thread watches a heartbeat that the main thread's event loop bumps;
 * when it has not moved for the stall limit, the worker says why on stderr and ends the process
 * with SIGKILL (the one way another thread can end a process whose main thread never returns;
 * exit status 137). Results already appended to a JSON lines file stay there.
 */
import { Worker } from 'node:worker_threads';
import { MAX_TIMER_MS, envMs } from '../core/shared/deadline.js';

/** How often the main thread's event loop proves it is alive. */
const HEARTBEAT_MS = 250;

export const MAIN_STALL_ENV = 'STRESS_MAIN_STALL_MS';

/**
 * A stall limit that no healthy run comes near (the main thread's longest synchronous step is one
 * batch's setup or grading): 60 s or 10 trial timeouts. STRESS_MAIN_STALL_MS overrides it (tests).
 * (The watchdog compares clock readings, it holds no timer: a long limit cannot overflow one.)
 */
export function stallLimitMs(trialTimeoutMs: number, env: Readonly<Record<string, string | undefined>> = process.env): number {
  return mainStallOverrideMs(env) ?? Math.max(60_000, 10 * trialTimeoutMs);
}

/**
 * STRESS_MAIN_STALL_MS as a whole number of milliseconds, or undefined when unset or empty. A value
 * that is not one is a usage error, as for STRESS_USER_CODE_TIMEOUT_MS (the CLI checks it before
 * anything runs), never silently the default.
 */
export function mainStallOverrideMs(env: Readonly<Record<string, string | undefined>> = process.env): number | undefined {
  return envMs(env, MAIN_STALL_ENV, 'a stall limit', `from 1 to ${MAX_TIMER_MS} (default: 60 s or 10 trial timeouts)`);
}

/** Runs in the watchdog thread; a string so that it needs no file of its own. */
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const beat = new Int32Array(workerData.heartbeat);
const sleep = new Int32Array(new SharedArrayBuffer(4));
let seen = Atomics.load(beat, 0);
let since = performance.now();
for (;;) {
  // Sleeps without an event loop: this thread must not depend on anything the main thread does.
  Atomics.wait(sleep, 0, 0, 1000);
  const now = Atomics.load(beat, 0);
  if (now !== seen) { seen = now; since = performance.now(); continue; }
  if (performance.now() - since > workerData.stallMs) {
    writeSync(2, '\\nstress: the main thread has not returned for ' + Math.round((performance.now() - since) / 1000) + ' s: suite code that runs on it (setup, an invariant, outcome, prepare) loops or blocks. Ending the process (SIGKILL, exit status 137); configurations already finished are in the JSON lines report, if one was requested.\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}
`;

/** Starts the watchdog; returns a function that stops it. Neither keeps the process alive. */
export function startMainThreadWatchdog(stallMs: number): () => void {
  const heartbeat = new SharedArrayBuffer(4);
  const beat = new Int32Array(heartbeat);
  const timer = setInterval(() => Atomics.add(beat, 0, 1), HEARTBEAT_MS);
  timer.unref();
  const worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { heartbeat, stallMs } });
  worker.unref();
  return () => {
    clearInterval(timer);
    void worker.terminate();
  };
}

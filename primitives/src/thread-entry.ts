/**
 * The worker side of a Thread (thread.ts): imports the target's module, calls the exported
 * function with the arguments, and leaves the outcome on the thread's port before raising its
 * "ended" word, so that a join() blocked on that word finds the outcome waiting
 * (receiveMessageOnPort: no event loop needed, a worker can join synchronously).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readlinkSync } from 'node:fs';
import { workerData, type MessagePort } from 'node:worker_threads';
import { loadTarget } from './outcome.js';
import { describeError, thrownOutcome } from './thrown.js';
import { T_CANCEL, T_NATIVE_ID, publishThreadEnded, type ThreadOutcome } from './thread-words.js';

interface EntryData {
  moduleUrl: string;
  target: string;
  args: unknown[];
  words: Int32Array;
  port: MessagePort;
  /** Timer: run the target at this time (performance.timeOrigin + now, comparable across threads); a cancel() before ends the thread without running it. */
  runAt?: number;
}

const { moduleUrl, target, args, words, port, runAt } = workerData as EntryData;

// The OS thread id (Linux), as Python's native_id; 0 where it cannot be read.
try {
  const tid = /task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1];
  if (tid !== undefined) Atomics.store(words, T_NATIVE_ID, Number(tid));
} catch {
  /* not Linux: nativeId stays undefined */
}

let reported = false;

/**
 * The target runs in this context: Node runs a callback (and raises a rejection) in the context
 * that created it, so a handler below tells the target's own callbacks from anything else.
 */
const targetContext = new AsyncLocalStorage<true>();

/**
 * While the target runs, a throw outside its call from a callback the target created (a timer it
 * awaits) is the target's error: the thread's outcome, as Python's thread would end with it (the
 * target's own promise would otherwise never settle, and the thread end as ERR_THREAD_EXITED).
 * Anything else is raised again, as with no handler: the worker ends with it and the starting
 * thread prints it (thread.ts). Removed once the outcome is reported: what the target leaves
 * behind after that is printed that way too (Python's threading.excepthook).
 */
function onStray(err: unknown): void {
  stopHandlingStray();
  if (targetContext.getStore() === true && !reported) {
    report(thrownOutcome(err));
    port.close();
    return;
  }
  throw err;
}

function stopHandlingStray(): void {
  process.off('uncaughtException', onStray);
  process.off('unhandledRejection', onStray);
}

/** Posts the outcome, then raises the ended word: a joiner woken by the word finds the message queued. */
function report(outcome: ThreadOutcome): void {
  if (reported) return;
  reported = true;
  stopHandlingStray();
  try {
    port.postMessage(outcome);
  } catch (err) {
    // The result cannot be cloned to the joining thread (a function, say): that is the outcome then.
    port.postMessage({ ok: false, error: { name: 'ShakedownError', code: 'ERR_THREAD_RESULT', message: `the target's result cannot be sent to the joining thread (${describeError(err)}); return plain data` } } satisfies ThreadOutcome);
  }
  publishThreadEnded(words);
}

// The thread ends before its target finished: still an outcome, so that join() returns.
process.once('exit', (code) =>
  report({ ok: false, error: { name: 'ShakedownError', code: 'ERR_THREAD_EXITED', message: `the thread exited (code ${code}) before its target finished: the target called process.exit, or returned a promise that never settled` } }),
);

// Timer: sleep until the time start() set unless cancel() raises the word first (and wakes this
// sleep). The interval counts from start(), not from when this worker got going.
const cancelled = runAt !== undefined && Atomics.wait(words, T_CANCEL, 0, Math.max(0, runAt - (performance.timeOrigin + performance.now()))) !== 'timed-out' && Atomics.load(words, T_CANCEL) === 1;

try {
  if (cancelled) report({ ok: true, value: undefined, cancelled: true });
  else await runTarget();
} catch (err) {
  report(thrownOutcome(err));
}
port.close();

async function runTarget(): Promise<void> {
  const fn = await loadTarget(moduleUrl, target, "a Thread's target");
  if (typeof fn !== 'function') {
    report(fn);
    return;
  }
  process.on('uncaughtException', onStray);
  process.on('unhandledRejection', onStray);
  report({ ok: true, value: await targetContext.run(true, () => fn(...args)) });
}

/**
 * The worker side of a Thread (thread.ts): imports the target's module, calls the exported
 * function with the arguments, and leaves the outcome on the thread's port before raising its
 * "ended" word, so that a join() blocked on that word finds the outcome waiting
 * (receiveMessageOnPort: no event loop needed, a worker can join synchronously).
 */
import { readlinkSync } from 'node:fs';
import { workerData, type MessagePort } from 'node:worker_threads';
import { T_CANCEL, T_ENDED, T_NATIVE_ID, type ThreadOutcome } from './thread-words.js';

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

/** Posts the outcome, then raises the ended word: a joiner woken by the word finds the message queued. */
function report(outcome: ThreadOutcome): void {
  if (reported) return;
  reported = true;
  try {
    port.postMessage(outcome);
  } catch (err) {
    // The result cannot be cloned to the joining thread (a function, say): that is the outcome then.
    port.postMessage({ ok: false, error: { name: 'ShakedownError', code: 'ERR_THREAD_RESULT', message: `the target's result cannot be sent to the joining thread (${(err as Error).message}); return plain data` } } satisfies ThreadOutcome);
  }
  Atomics.store(words, T_ENDED, 1);
  Atomics.notify(words, T_ENDED);
}

// The thread ends before its target finished: still an outcome, so that join() returns.
process.once('exit', (code) =>
  report({ ok: false, error: { name: 'ShakedownError', code: 'ERR_THREAD_EXITED', message: `the thread exited (code ${code}) before its target finished: the target called process.exit, or returned a promise that never settled` } }),
);

/** String(value) that cannot throw (an object without a prototype has no toString). */
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function errorOf(err: unknown): ThreadOutcome {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { ok: false, error: { name: err.name, message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}), ...(typeof code === 'string' ? { code } : {}) } };
  }
  // The value itself too, when it can be copied to the joining thread (a Symbol or a function cannot).
  let copyable = true;
  try {
    structuredClone(err);
  } catch {
    copyable = false;
  }
  return { ok: false, error: { name: 'Error', message: `the target threw a non-Error value: ${describe(err)}`, ...(copyable ? { thrown: err } : {}) } };
}

// Timer: sleep until the time start() set unless cancel() raises the word first (and wakes this
// sleep). The interval counts from start(), not from when this worker got going.
const cancelled = runAt !== undefined && Atomics.wait(words, T_CANCEL, 0, Math.max(0, runAt - (performance.timeOrigin + performance.now()))) !== 'timed-out' && Atomics.load(words, T_CANCEL) === 1;

try {
  if (cancelled) report({ ok: true, value: undefined, cancelled: true });
  else await runTarget();
} catch (err) {
  report(errorOf(err));
}
port.close();

async function runTarget(): Promise<void> {
  const mod = (await import(moduleUrl)) as Record<string, unknown>;
  const fn = mod[target];
  if (typeof fn !== 'function') {
    report({ ok: false, error: { name: 'ShakedownError', code: 'ERR_THREAD_TARGET', message: `${moduleUrl} has no exported function "${target}" (found ${fn === undefined ? 'nothing' : typeof fn}); a Thread's target is an exported function of a module` } });
  } else {
    report({ ok: true, value: await (fn as (...a: unknown[]) => unknown)(...args) });
  }
}

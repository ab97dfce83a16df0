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
  /** Timer: wait this long first; a cancel() meanwhile ends the thread without running the target. */
  delayMs?: number;
}

const { moduleUrl, target, args, words, port, delayMs } = workerData as EntryData;

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

// The target ended the thread with process.exit(): still an outcome, so that join() returns.
process.once('exit', (code) => report({ ok: false, error: { name: 'ShakedownError', code: 'ERR_THREAD_EXITED', message: `the target ended the thread with process.exit(${code})` } }));

function errorOf(err: unknown): ThreadOutcome {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { ok: false, error: { name: err.name, message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}), ...(typeof code === 'string' ? { code } : {}) } };
  }
  return { ok: false, error: { name: 'Error', message: `the target threw a non-Error value: ${String(err)}`, thrown: err } };
}

// Timer: sleep through the interval unless cancel() raises the word first (and wakes this sleep).
const cancelled = delayMs !== undefined && Atomics.wait(words, T_CANCEL, 0, delayMs) !== 'timed-out' && Atomics.load(words, T_CANCEL) === 1;

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

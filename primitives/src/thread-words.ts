/** The shared words of a Thread (thread.ts) and its worker (thread-entry.ts). */
import { type TargetOutcome } from './outcome.js';
import { remainingUntil } from './validate.js';
import { type Blocking } from './wait.js';

/** 1 once the target returned, threw or ended the thread (its outcome is on the port by then). Joiners sleep on it while 0. */
export const T_ENDED = 0;
/** The worker's OS thread id (Linux), 0 until known or where unknown. */
export const T_NATIVE_ID = 1;
/** Timer: 1 once cancel() was called; the worker sleeps on it (while 0) for the interval before running the target. */
export const T_CANCEL = 2;
export const THREAD_WORDS = 3;

/** What the worker leaves on the port: the target's value, or what it threw (as plain data). */
export type ThreadOutcome = TargetOutcome;

/**
 * The thread's last act (thread-entry.ts), after its outcome is on the port: raises the ended word
 * and wakes every joiner. Nothing the target did may come after it: a joiner that sees the word
 * reads the outcome and may rely on every effect of the target.
 */
export function publishThreadEnded(words: Int32Array): void {
  Atomics.store(words, T_ENDED, 1);
  Atomics.notify(words, T_ENDED);
}

/** join(): waits until the ended word is raised (true) or the deadline passed (false); never true for a live thread. */
export function* untilThreadEnded(words: Int32Array, deadline: number): Blocking<boolean> {
  while (Atomics.load(words, T_ENDED) === 0) {
    const remaining = remainingUntil(deadline);
    if (remaining === 0) return false;
    // Sleep while the thread runs; its entry (or the exit handler in thread.ts) raises the word and wakes joiners.
    yield { i32: words, index: T_ENDED, value: 0, timeoutMs: remaining };
  }
  return true;
}

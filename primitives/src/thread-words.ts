/** The shared words of a Thread (thread.ts) and its worker (thread-entry.ts). */

/** 1 once the target returned, threw or ended the thread (its outcome is on the port by then). Joiners sleep on it while 0. */
export const T_ENDED = 0;
/** The worker's OS thread id (Linux), 0 until known or where unknown. */
export const T_NATIVE_ID = 1;
/** Timer: 1 once cancel() was called; the worker sleeps on it (while 0) for the interval before running the target. */
export const T_CANCEL = 2;
export const THREAD_WORDS = 3;

/** What the worker leaves on the port: the target's value, or what it threw (as plain data). */
export type ThreadOutcome = { ok: true; value: unknown; cancelled?: true } | { ok: false; error: { name: string; message: string; stack?: string; code?: string; thrown?: unknown } };

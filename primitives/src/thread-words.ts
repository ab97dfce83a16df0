/** The shared words of a Thread (thread.ts) and its worker (thread-entry.ts). */

/** 1 once the target returned, threw or ended the thread (its outcome is on the port by then). Joiners sleep on it while 0. */
export const T_ENDED = 0;
/** The worker's OS thread id (Linux), 0 until known or where unknown. */
export const T_NATIVE_ID = 1;
export const THREAD_WORDS = 2;

/** What the worker leaves on the port: the target's value, or what it threw (as plain data). */
export type ThreadOutcome = { ok: true; value: unknown } | { ok: false; error: { name: string; message: string; stack?: string; code?: string; thrown?: unknown } };

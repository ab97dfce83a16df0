/**
 * One algorithm, two ways to block. Each blocking operation is written once as
 * a generator that yields "wait on this word while it still holds this value"
 * steps; `runSync` performs them with `Atomics.wait` (workers, or a main thread
 * that may block) and `runAsync` with `Atomics.waitAsync` (the main thread's
 * event loop keeps running). So the sync and async forms cannot drift apart.
 */
import { clearWait, deadlockDetectionEnabled, recordWaitIfNone } from './registry.js';

export interface WaitStep {
  i32: Int32Array;
  index: number;
  /** Sleep only while `i32[index] === value` (checked atomically by the kernel-side wait). */
  value: number;
  /** Milliseconds; Infinity for no limit. */
  timeoutMs: number;
  /**
   * What the thread sleeps for, when it is not a lock (locks record their own wait, with the
   * holder): entered in the wait-for table for the sleep, so a hang report can say "consumer-0
   * waits for items (queue: not empty)" instead of only "no thread was blocked on a lock".
   */
  waitsFor?: { id: number; name: string };
}

export type WaitOutcome = 'ok' | 'not-equal' | 'timed-out';
export type Blocking<T> = Generator<WaitStep, T, WaitOutcome>;

/** A word nobody ever writes: waiting on it is a plain sleep. */
const sleepWord = new Int32Array(new SharedArrayBuffer(4));

export function sleepStep(ms: number): WaitStep {
  return { i32: sleepWord, index: 0, value: 0, timeoutMs: ms };
}

/**
 * Enters a step's `waitsFor` in the wait-for table (with deadlock detection on); returns whether it
 * did. Never throws: the table is for diagnosis, and a full thread registry must not turn a wait
 * into an error (that would also abandon the blocking operation half way).
 */
function noteWait(s: WaitStep): boolean {
  if (s.waitsFor === undefined || !deadlockDetectionEnabled()) return false;
  try {
    return recordWaitIfNone(s.waitsFor.id, s.waitsFor.name);
  } catch {
    return false;
  }
}

function unnoteWait(s: WaitStep, noted: boolean): void {
  if (noted) clearWait(s.waitsFor!.id);
}

export function runSync<T>(steps: Blocking<T>): T {
  let r = steps.next();
  while (!r.done) {
    const s = r.value;
    const noted = noteWait(s);
    const outcome = Atomics.wait(s.i32, s.index, s.value, s.timeoutMs);
    unnoteWait(s, noted);
    r = steps.next(outcome);
  }
  return r.value;
}

// Longest timer Node accepts; used to keep the event loop alive during an
// unbounded waitAsync (a pending waitAsync alone does not hold the process open).
const MAX_TIMER_MS = 0x7fffffff;

export async function runAsync<T>(steps: Blocking<T>): Promise<T> {
  let r = steps.next();
  while (!r.done) {
    const s = r.value;
    // waitAsync does not honour timeouts under 1 ms: round those up rather than overshoot unboundedly.
    const timeout = s.timeoutMs > 0 && s.timeoutMs < 1 ? 1 : s.timeoutMs;
    const result = Atomics.waitAsync(s.i32, s.index, s.value, timeout);
    let outcome: WaitOutcome;
    if (!result.async) {
      outcome = result.value;
    } else {
      const keepAlive = setTimeout(() => {}, Math.min(Math.ceil(s.timeoutMs), MAX_TIMER_MS));
      const noted = noteWait(s);
      try {
        outcome = await result.value;
      } finally {
        clearTimeout(keepAlive);
        unnoteWait(s, noted);
      }
    }
    r = steps.next(outcome);
  }
  return r.value;
}

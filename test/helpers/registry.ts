/**
 * Checks on the process-wide thread registry that hold however many other threads come and go.
 *
 * Workers of earlier test files (tinypool workers past their idle timeout, terminated workers
 * being reaped) can leave the registry at any moment, so a test must never compare the live count
 * with a snapshot taken before. What a registry bug breaks for good is whether the test's own
 * workers are listed, and the agreement between the live count and the listed slots. (That
 * agreement once broke for real: a worker terminated halfway through freeing its slot left a
 * separate live counter wrong for good; the count is now taken from the slots themselves.)
 */
import { activeThreadCount, enumerateThreads } from '@shakedown/primitives';
import { waitUntil } from './workers.js';

/** Waits (bounded) until activeThreadCount() equals the number of listed threads; a thread that
 * is claiming or freeing its slot makes them differ for a moment, a lost or extra count for good. */
export async function waitUntilCountMatchesList(when: string, timeoutMs = 8000): Promise<void> {
  try {
    await waitUntil(() => activeThreadCount() === enumerateThreads().length, timeoutMs, 'the live count to match the listed threads');
  } catch {
    throw new Error(
      `${when}: activeThreadCount() is ${activeThreadCount()} but ${enumerateThreads().length} threads are listed (after ${timeoutMs} ms)`,
    );
  }
}

/** Whether a thread with this id is listed now. */
export function isListed(threadId: number): boolean {
  return enumerateThreads().some((t) => t.id === threadId);
}

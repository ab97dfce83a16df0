/**
 * What this thread is waiting for, by name. A promise that never settles does not keep Node's
 * event loop alive: the process would simply end, with no verdict and, unless someone sets it, exit
 * code 0. The CLI's exit guard (harness/cli/exit-guard.ts) names the steps still pending here when
 * that happens, so the message says what never finished ("loading suite ./my-suite.js").
 */
const pending = new Map<number, string>();
let nextId = 0;

/** Runs `work`, listed as `what` until it settles. */
export async function awaiting<T>(what: string, work: () => Promise<T>): Promise<T> {
  const id = nextId++;
  pending.set(id, what);
  try {
    return await work();
  } finally {
    pending.delete(id);
  }
}

/** The steps still pending, oldest first. */
export function pendingSteps(): string[] {
  return [...pending.values()];
}

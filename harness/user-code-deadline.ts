/**
 * Suite code the harness awaits (prepare(), in the main thread and in every worker) may return a
 * promise that never settles. Awaiting it would stall the configuration forever, and a pending
 * promise alone does not even keep Node's event loop alive: the process would drain and exit with
 * no verdict. So every such await has a deadline, and missing it is an error of the configuration.
 */

/**
 * How long awaited suite code may take: 30 s, or 10 trial timeouts if longer. Far beyond what
 * loading modules or an implementation takes; STRESS_HOOK_TIMEOUT_MS overrides it (tests).
 */
export function userCodeLimitMs(trialTimeoutMs: number, env: NodeJS.ProcessEnv = process.env): number {
  const override = Number(env.STRESS_HOOK_TIMEOUT_MS);
  if (Number.isInteger(override) && override > 0) return override;
  return Math.max(30_000, 10 * trialTimeoutMs);
}

export class DeadlineMissed extends Error {
  constructor(
    readonly what: string,
    readonly limitMs: number,
  ) {
    super(`${what} did not settle within ${formatMs(limitMs)} (a promise that never resolves?)`);
    this.name = 'DeadlineMissed';
  }
}

/**
 * Awaits `value` (a promise or not) for at most `limitMs`; rejects with DeadlineMissed after that.
 * The timer is deliberately not unref'd: it is what keeps the process alive to report the miss.
 */
export async function withDeadline<T>(value: T | Promise<T>, limitMs: number, what: string): Promise<T> {
  if (!isThenable(value)) return value;
  let timer: NodeJS.Timeout | undefined;
  const missed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineMissed(what, limitMs)), limitMs);
  });
  try {
    return await Promise.race([Promise.resolve(value), missed]);
  } finally {
    clearTimeout(timer);
  }
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    // A hostile proxy or getter: not a promise the harness can await.
    return false;
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

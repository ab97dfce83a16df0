/**
 * Harness errors carry codes, like the primitives' errors, and each maps to a
 * documented exit code of the CLI.
 */
import type { SerializedError } from './worker/task.js';

export type HarnessErrorCode =
  | 'ERR_USAGE'
  | 'ERR_CONFIG'
  | 'ERR_SUITE_LOAD'
  | 'ERR_SUITE_SHAPE'
  | 'ERR_REPLAY_TOKEN'
  | 'ERR_REPORTER'
  | 'ERR_RESULTS_FILE'
  | 'ERR_MERGE'
  /** A --impl module does not meet its kind's contract (docs/contracts.md). */
  | 'ERR_IMPL_CONTRACT'
  | 'ERR_HARNESS';

export class HarnessError extends Error {
  readonly code: HarnessErrorCode;
  constructor(code: HarnessErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'HarnessError';
  }
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; cycle?: unknown };
    const out: SerializedError = { name: e.name, message: e.message };
    if (typeof e.code === 'string') out.code = e.code;
    if (e.stack !== undefined) out.stack = e.stack;
    if (Array.isArray(e.cycle)) {
      out.cycle = (e.cycle as Array<{ thread: string; waitsFor: string; heldBy: string }>).map((c) => ({
        thread: c.thread,
        waitsFor: c.waitsFor,
        heldBy: c.heldBy,
      }));
    }
    return out;
  }
  return { name: 'NonError', message: String(err) };
}

/**
 * Harness errors carry codes, like the primitives' errors, and each maps to a
 * documented exit code of the CLI.
 */
import { types } from 'node:util';
import { cut, describeThrown, showValue } from './safe-value.js';

/** An error as it crosses from a worker to the main thread: plain data (a deadlock error keeps its cycle). */
export interface SerializedError {
  name: string;
  code?: string;
  message: string;
  stack?: string;
  cycle?: Array<{ thread: string; waitsFor: string; heldBy: string }>;
}

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

/** Characters kept of an actor error's message, and of its stack. */
const MESSAGE_CAP = 4000;
const STACK_CAP = 16_000;

/**
 * What an actor threw, as plain data for the main thread and the reports. Never throws (it runs in
 * the worker's catch block): a non-Error is put in words (`a string: "boom"`, `undefined`), and an
 * Error's fields are read defensively (a getter or a Proxy may throw, a message may not be a string).
 */
export function serializeError(err: unknown): SerializedError {
  if (!types.isNativeError(err) && !isInstanceOfError(err)) return { name: 'NonError', message: `threw ${describeThrown(err, MESSAGE_CAP)}` };
  const e = err as Error & { code?: unknown; cycle?: unknown };
  const out: SerializedError = { name: readString(() => e.name, 200) || 'Error', message: '' };
  out.message = readField(() => e.message, MESSAGE_CAP);
  const code = readField(() => e.code, 200);
  if (code !== '') out.code = code;
  const stack = readField(() => e.stack, STACK_CAP);
  if (stack !== '') out.stack = stack;
  try {
    if (Array.isArray(e.cycle)) {
      out.cycle = (e.cycle as Array<{ thread: unknown; waitsFor: unknown; heldBy: unknown }>).map((c) => ({
        thread: String(c.thread),
        waitsFor: String(c.waitsFor),
        heldBy: String(c.heldBy),
      }));
    }
  } catch {
    // A cycle that cannot be read is left out; the message still says what happened.
  }
  return out;
}

function isInstanceOfError(v: unknown): boolean {
  try {
    return v instanceof Error;
  } catch {
    return false;
  }
}

/** A string field as it is (bounded); '' when absent or unreadable. */
function readString(read: () => unknown, cap: number): string {
  try {
    const v = read();
    return typeof v === 'string' ? cut(v, cap) : '';
  } catch {
    return '';
  }
}

/** A field in words: strings as they are, other values shown (a message that is an object, say); '' when absent. */
function readField(read: () => unknown, cap: number): string {
  try {
    const v = read();
    if (v === undefined) return '';
    return typeof v === 'string' ? cut(v, cap) : showValue(v, cap);
  } catch (err) {
    return `(unreadable: ${describeThrown(err, 200)})`;
  }
}

/**
 * What was thrown, for "cannot load X: <this>": an Error's message (`(no message)` if empty), or a
 * non-Error in words (`threw a string: "boom"`, `threw undefined`). Never throws.
 */
export function thrownMessage(err: unknown): string {
  if (!types.isNativeError(err) && !isInstanceOfError(err)) return `threw ${describeThrown(err, MESSAGE_CAP)}`;
  return readField(() => (err as Error).message, MESSAGE_CAP) || `${readString(() => (err as Error).name, 200) || 'Error'} (no message)`;
}

/**
 * Suite code may return a promise where the harness expects a value (an async invariant,
 * outcome or setup). The harness reports the wrong type; a rejection of that promise, which nobody
 * awaits, must not become an unhandled rejection that ends the whole run.
 */
export function settleQuietly(value: unknown): void {
  if (value instanceof Promise) value.catch(() => undefined);
}

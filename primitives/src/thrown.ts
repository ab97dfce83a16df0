/**
 * Reading what a target threw, without ever throwing: a target may throw an Error whose `message`
 * getter throws, or a Proxy whose every trap throws (even `instanceof` and String() of it). A read
 * that throws in the worker would escape the code reporting the outcome and end the worker, and the
 * target's error would be reported as the thread exiting (ERR_THREAD_EXITED, or the executor's
 * ERR_EXECUTOR_WORKER_EXITED). So every read here is guarded, and what could not be read is said.
 */
import type { TargetOutcome } from './outcome.js';

/** String(value), never throwing (an object without a prototype has no toString; a Proxy's traps may throw). */
export function describeValue(value: unknown): string {
  try {
    return String(value);
  } catch {
    /* fall through */
  }
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return `a ${typeof value} that cannot be shown`;
  }
}

/** "Name: message" of an Error, String() of anything else; never throws (for messages about a thrown value). */
export function describeError(err: unknown): string {
  try {
    if (err instanceof Error) return `${describeValue(err.name)}: ${describeValue(err.message)}`;
  } catch {
    /* an Error whose name or message cannot be read: shown as a value */
  }
  return describeValue(err);
}

/** What a target threw, as an outcome; never throws, whatever was thrown. */
export function thrownOutcome(err: unknown): TargetOutcome {
  /** The reads that threw, each with what it threw. */
  const unread: string[] = [];
  const read = <T>(what: string, get: () => T): T | undefined => {
    try {
      return get();
    } catch (e) {
      unread.push(`${what} (reading it threw ${describeError(e)})`);
      return undefined;
    }
  };
  const isError = read('whether it is an Error', () => err instanceof Error);
  if (isError === false) return nonErrorOutcome(err);
  const e = err as Error & { code?: unknown };
  const name = isError ? read('its name', () => e.name) : undefined;
  const message = isError ? read('its message', () => e.message) : undefined;
  const stack = isError ? read('its stack', () => e.stack) : undefined;
  const code = isError ? read('its code', () => e.code) : undefined;
  if (unread.length === 0) {
    return {
      ok: false,
      error: { name: describeValue(name), message: describeValue(message), ...(typeof stack === 'string' ? { stack } : {}), ...(typeof code === 'string' ? { code } : {}) },
    };
  }
  // Reported as what it is (a target that threw something unreadable), with whatever could be read.
  const readable = [
    ...(typeof name === 'string' ? [`name ${JSON.stringify(name)}`] : []),
    ...(typeof message === 'string' ? [`message ${JSON.stringify(message)}`] : []),
    ...(typeof code === 'string' ? [`code ${JSON.stringify(code)}`] : []),
  ];
  const text = `the target threw ${isError === true ? 'an Error' : 'a value'} that could not be read: ${unread.join('; ')}${readable.length > 0 ? `; read: ${readable.join(', ')}` : ''}`;
  // Where it was thrown, when that could be read, under this error's own first line.
  const frames = typeof stack === 'string' ? stack.split('\n').filter((l) => /^\s+at /.test(l)) : [];
  return {
    ok: false,
    error: { name: 'ShakedownError', code: 'ERR_THREAD_THROWN_UNREADABLE', message: text, ...(frames.length > 0 ? { stack: [`ShakedownError: ${text}`, ...frames].join('\n') } : {}) },
  };
}

function nonErrorOutcome(err: unknown): TargetOutcome {
  // The value itself too, when it can be copied to the joining thread (a Symbol or a function cannot).
  let copyable = true;
  try {
    structuredClone(err);
  } catch {
    copyable = false;
  }
  return { ok: false, error: { name: 'Error', message: `the target threw a non-Error value: ${describeValue(err)}`, ...(copyable ? { thrown: err } : {}) } };
}

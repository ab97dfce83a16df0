/**
 * What a reporter is handed: a deep copy of the run's event or summary, never the run's own
 * objects. The run keeps using its objects after an event (run.ts reads a result's status for
 * --fail-fast and computes the exit code from the same results), so a reporter that set
 * `e.result.status = 'pass'` on the run's own object would turn a failing run green for every
 * reporter after it and for the exit code.
 *
 * Built-in reporters share one deep-frozen copy per event: they do not mutate what they are given,
 * and a write would throw (modules are strict), failing only that reporter. A custom reporter gets
 * a private copy it may change (sorting `summary.configs` in place is ordinary code), which no one
 * else sees.
 *
 * Copies are JSON-safe: a BigInt (a suite parameter for BigInt64Array users; grading values are
 * already safe, see safe-value.ts) becomes the text `5n`, so the file reporters can write it.
 */

/** A deep copy of plain data (objects, arrays, primitives), frozen throughout when `freeze`. */
export function copyForReporter<T>(value: T, freeze: boolean): T {
  return copy(value, freeze, new Map()) as T;
}

function copy(value: unknown, freeze: boolean, seen: Map<object, unknown>): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object' || value === null) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  let out: unknown;
  if (Array.isArray(value)) {
    const arr: unknown[] = new Array<unknown>(value.length);
    seen.set(value, arr);
    for (let i = 0; i < value.length; i++) arr[i] = copy(value[i], freeze, seen);
    out = arr;
  } else if (isPlain(value)) {
    const obj: Record<string, unknown> = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
    seen.set(value, obj);
    for (const key of Object.keys(value)) obj[key] = copy((value as Record<string, unknown>)[key], freeze, seen);
    out = obj;
  } else {
    // Results are plain data; anything else (a user's Map or class instance kept as an observed
    // value) is cloned as structured data, or shared as is when it cannot be (it holds a function).
    try {
      out = structuredClone(value);
    } catch {
      out = value;
    }
    seen.set(value, out);
  }
  // Never freeze what could not be copied: it is the run's (or the suite's) own object.
  if (freeze && out !== value) {
    try {
      Object.freeze(out);
    } catch {
      // A typed array with elements cannot be frozen: it stays as cloned.
    }
  }
  return out;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === Object.prototype || proto === null;
}

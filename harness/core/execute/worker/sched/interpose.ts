/**
 * Interposition for controlled trials: the methods of the one `Atomics` object are patched in
 * place (a module that aliased `const A = Atomics` sees the patch; a replaced globalThis.Atomics
 * it would not), plus performance.now, Date.now and Math.random, for the model window only.
 *
 * The real functions are captured when this module loads, before any actor runs. The harness's
 * own code that can run inside the window (the model, the yield hook) calls REAL, never Atomics.
 * unpatch() runs before the actor guard's restoreGlobals(): a method the actor replaced itself is
 * left in place, so the guard still sees the change and reports it.
 */

type IntegerArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** The Atomics operations that read or write memory (everything but wait, notify, waitAsync). */
export const MEMORY_OPS = ['load', 'store', 'add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange'] as const;
export type MemoryOp = (typeof MEMORY_OPS)[number];

/** The real Atomics functions, captured at module load (worker start, before any suite code). */
export const REAL = {
  load: Atomics.load,
  store: Atomics.store,
  add: Atomics.add,
  sub: Atomics.sub,
  and: Atomics.and,
  or: Atomics.or,
  xor: Atomics.xor,
  exchange: Atomics.exchange,
  compareExchange: Atomics.compareExchange,
  wait: Atomics.wait,
  notify: Atomics.notify,
  waitAsync: (Atomics as { waitAsync?: unknown }).waitAsync as ((...args: unknown[]) => unknown) | undefined,
};
// Put back on `performance` as it was, and called with it as `this` (realNow).
// eslint-disable-next-line @typescript-eslint/unbound-method
const realPerformanceNow = performance.now;
const realDateNow = Date.now;
const realMathRandom = Math.random;

/** What the patched functions call: the model of the trial in progress (model.ts). */
export interface ModelTarget {
  memoryOp(op: MemoryOp, ta: IntegerArray, index: number, a: unknown, b: unknown): unknown;
  wait(ta: Int32Array | BigInt64Array, index: number, value: unknown, timeout: unknown): 'ok' | 'not-equal' | 'timed-out';
  notify(ta: Int32Array | BigInt64Array, index: number, count: unknown): number;
  waitAsync(ta: Int32Array | BigInt64Array, index: number, value: unknown, timeout: unknown): unknown;
  now(): number;
  dateNow(): number;
  random(): number;
}

/** The model the patched functions call; null outside the window (then a leaked wrapper behaves as the real function). */
let target: ModelTarget | null = null;

type AnyFn = (...args: never[]) => unknown;
const PATCHED: Record<string, AnyFn> = {
  wait: (ta: Int32Array, index: number, value: number, timeout?: number) => (target === null ? REAL.wait(ta, index, value, timeout) : target.wait(ta, index, value, timeout)),
  notify: (ta: Int32Array, index: number, count?: number) => (target === null ? REAL.notify(ta, index, count) : target.notify(ta, index, count)),
  waitAsync: (ta: Int32Array, index: number, value: number, timeout?: number) => (target === null ? REAL.waitAsync!(ta, index, value, timeout) : target.waitAsync(ta, index, value, timeout)),
};
for (const op of MEMORY_OPS) {
  const real = REAL[op] as (...args: unknown[]) => unknown;
  PATCHED[op] = (ta: IntegerArray, index: number, a?: unknown, b?: unknown) => (target === null ? real(ta, index, a, b) : target.memoryOp(op, ta, index, a, b));
}

/**
 * The objects patched, captured at load: an actor may replace the globals themselves
 * (`globalThis.Atomics = undefined`), and unpatch() must still reach the objects it patched (the
 * actor guard then reports and restores the globals).
 */
const atomics = Atomics as unknown as Record<string, unknown>;
const perf = performance;
const dateClass = Date;
const math = Math;

/**
 * Why the window cannot open here, if it cannot: a global it replaces is read-only (a frozen
 * `Atomics`, `performance`, `Date` or `Math`, as SES lockdown leaves them). Checked before
 * anything is replaced, so a refusal leaves the globals as they were.
 */
export function unpatchableReason(): string | undefined {
  const targets: Array<[object, string, string]> = [
    ...Object.keys(PATCHED).filter((name) => name !== 'waitAsync' || REAL.waitAsync !== undefined).map((name): [object, string, string] => [atomics, name, `Atomics.${name}`]),
    [perf, 'now', 'performance.now'],
    [dateClass, 'now', 'Date.now'],
    [math, 'random', 'Math.random'],
  ];
  const frozen = targets.filter(([object, key]) => !canAssign(object, key)).map(([, , shown]) => shown);
  return frozen.length === 0 ? undefined : `${frozen.join(', ')} ${frozen.length === 1 ? 'is' : 'are'} read-only here (frozen, as SES lockdown leaves them)`;
}

/** An assignment `object[key] = x` would succeed: an own writable data property, or a settable inherited one on an extensible object. */
function canAssign(object: object, key: string): boolean {
  const own = Object.getOwnPropertyDescriptor(object, key);
  if (own !== undefined) return own.writable === true || own.set !== undefined;
  return Object.isExtensible(object);
}

/** Opens the window: the patched functions route to `model`. */
export function patch(model: ModelTarget): void {
  target = model;
  for (const [name, fn] of Object.entries(PATCHED)) if (name !== 'waitAsync' || REAL.waitAsync !== undefined) atomics[name] = fn;
  perf.now = () => model.now();
  dateClass.now = () => model.dateNow();
  math.random = () => model.random();
}

/** Closes the window. A function the actor replaced during it is left for the actor guard to report and restore. */
export function unpatch(): void {
  // From here a patched function left in place (below) behaves as the real one.
  target = null;
  // Only what changed, and only where it can be assigned: an actor that froze a global during the
  // trial keeps the patched function, which the actor guard then reports (and the worker is replaced).
  for (const [name, fn] of Object.entries(PATCHED)) {
    if (atomics[name] === fn && canAssign(atomics, name)) atomics[name] = name in REAL ? REAL[name as keyof typeof REAL] : undefined;
  }
  if (perf.now !== realPerformanceNow && canAssign(perf, 'now')) perf.now = realPerformanceNow;
  if (dateClass.now !== realDateNow && canAssign(dateClass, 'now')) dateClass.now = realDateNow;
  if (math.random !== realMathRandom && canAssign(math, 'random')) math.random = realMathRandom;
}

/** The real clock, for the harness inside the window. */
export function realNow(): number {
  return realPerformanceNow.call(perf);
}

export function realDate(): number {
  return realDateNow();
}

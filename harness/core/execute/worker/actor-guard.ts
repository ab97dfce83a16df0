/**
 * A trial worker is shared by the actor and the harness: the actor's code runs on the same
 * globals and next to the same message port that the harness (and tinypool under it) needs to
 * run the next trial and to reply. An actor that posts on `parentPort` or replaces `Atomics` used
 * to crash the whole run (tinypool throws "Unexpected message on Worker" on the main thread; a
 * missing Atomics breaks the pool's wait loop). Here such misuse becomes an error of the trial
 * that did it, with a message that says what to do, and the worker is repaired for the next one.
 */
import { parentPort } from 'node:worker_threads';
import { isRecorderWait } from './wait-recorder.js';

export const ACTOR_MISUSE = 'ERR_ACTOR_MISUSE';

export class ActorMisuseError extends Error {
  readonly code = ACTOR_MISUSE;
  constructor(message: string) {
    super(message);
    this.name = 'ActorMisuseError';
  }
}

/**
 * The globals the trial loop, the primitives and tinypool's worker loop run on. Checked by
 * identity after every actor: ~20 property reads, a few nanoseconds per trial.
 */
const GUARDED: Array<[owner: object, label: string, keys: readonly string[]]> = [
  [globalThis, 'globalThis', ['Atomics', 'SharedArrayBuffer', 'Int32Array', 'Promise', 'structuredClone', 'performance', 'setTimeout', 'queueMicrotask']],
  [Atomics, 'Atomics', ['load', 'store', 'add', 'sub', 'and', 'or', 'exchange', 'compareExchange', 'wait', 'notify']],
  [Array.prototype, 'Array.prototype', ['push', 'map', 'every', 'some', 'slice']],
  [Object, 'Object', ['keys', 'entries', 'fromEntries', 'defineProperty', 'getPrototypeOf']],
  [Promise.prototype, 'Promise.prototype', ['then', 'catch', 'finally']],
];

type Saved = Array<{ owner: Record<string, unknown>; key: string; value: unknown; descriptor: PropertyDescriptor; label: string }>;

function snapshot(): Saved {
  return GUARDED.flatMap(([owner, label, keys]) =>
    keys.map((key) => {
      const o = owner as Record<string, unknown>;
      return { owner: o, key, value: o[key], descriptor: Object.getOwnPropertyDescriptor(o, key)!, label: `${label}.${key}` };
    }),
  );
}

let saved: Saved | undefined;
/** The same comparison as restoreGlobals' loop, as straight-line code (see compileIntactCheck). */
let intact: (() => boolean) | undefined;

/** Takes the reference copy of the guarded globals: call once, when the worker module loads. */
export function rememberGlobals(): void {
  if (saved !== undefined) return;
  saved = snapshot();
  intact = compileIntactCheck(saved.map((s) => s.value));
}

/**
 * restoreGlobals runs after every trial. Its loop reads ~30 properties by computed key on five
 * different objects, which V8 cannot cache (measured: 0.8 us per trial, a fifth of a short
 * trial's cost). The same reads as fixed property names in one compiled function take a few ns.
 * Each owner is its own parameter, as captured when the worker loaded (GUARDED order): not read by
 * a global name, which a script-level `const setTimeout = ...` (vm.runInThisContext) would shadow
 * while globalThis.setTimeout is replaced (seen in a review: an intact check by global names
 * missed that), nor through an array of owners (`o[1].load`; that check took 8-12% of a 1-thread
 * in-worker trial in a profile; this one was not profiled apart, only the whole trial measured
 * faster). Built from the GUARDED table above (our own constant names, nothing from outside).
 */
function compileIntactCheck(refs: unknown[]): () => boolean {
  const params = GUARDED.map((_, o) => `o${o}`);
  const terms: string[] = [];
  let i = 0;
  GUARDED.forEach(([, label, keys], o) => {
    for (const key of keys) {
      // Atomics.wait may be the wait recorder's wrapper (in place for the whole batch): accepted, as in the loop.
      terms.push(label === 'Atomics' && key === 'wait' ? `(o${o}.wait === r[${i}] || w(o${o}.wait))` : `o${o}.${key} === r[${i}]`);
      i++;
    }
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const check = new Function(...params, 'r', 'w', `return ${terms.join(' && ')};`) as (...args: unknown[]) => boolean;
  const [o0, o1, o2, o3, o4] = GUARDED.map(([owner]) => owner);
  if (GUARDED.length !== 5) throw new Error('actor-guard: compileIntactCheck passes five owners');
  return () => check(o0, o1, o2, o3, o4, refs, isRecorderWait);
}

/**
 * Puts back every guarded global the actor replaced or deleted; returns an error naming them (and
 * whether all could be put back), or null when all were intact (the usual case, and the only one
 * that allocates nothing).
 */
export function restoreGlobals(): { error: ActorMisuseError; restored: boolean } | null {
  if (saved === undefined) return null;
  // The usual case: all intact (a getter or a missing owner sends it to the careful loop below).
  try {
    if (intact!()) return null;
  } catch {
    // Fall through: the loop finds and repairs what is wrong.
  }
  let changed: string[] | undefined;
  let restored = true;
  for (const s of saved) {
    // The wait recorder's wrapper, left in place by an actor that froze Atomics, is the real wait in all but name.
    if (s.owner[s.key] === s.value || isRecorderWait(s.owner[s.key])) continue;
    // Not push: it may be what the actor replaced.
    changed ??= [];
    changed[changed.length] = s.label;
    try {
      Object.defineProperty(s.owner, s.key, s.descriptor);
    } catch {
      // Frozen after the change (Object.freeze(Atomics)): this worker cannot be repaired.
    }
    if (s.owner[s.key] !== s.value) restored = false;
  }
  if (changed === undefined) return null;
  const after = restored ? 'restored for the next trial' : 'they could not be restored, so this worker is replaced';
  return {
    restored,
    error: new ActorMisuseError(
      `the actor replaced ${changed.join(', ')}, which the harness's trial loop runs on (${after}); change them only inside your own module, or test code that needs them in a worker of its own`,
    ),
  };
}

let portGuarded = false;

/**
 * tinypool runs this worker over its own message channel; `parentPort` carries only its start-up
 * handshake, and a message the actor posts there makes tinypool throw on the main thread. So, once
 * the handshake is over (the first task has arrived), posting on or closing parentPort throws in
 * the actor instead.
 */
export function guardParentPort(): void {
  if (portGuarded || parentPort === null) return;
  portGuarded = true;
  const refuse = (what: string) => (): never => {
    throw new ActorMisuseError(
      `the actor called parentPort.${what}(): in a stress trial the worker's parentPort belongs to the harness; share results through the trial's state or the actor's return value, and progress through shared memory or a Queue`,
    );
  };
  Object.defineProperty(parentPort, 'postMessage', { value: refuse('postMessage'), configurable: true, writable: true });
  Object.defineProperty(parentPort, 'close', { value: refuse('close'), configurable: true, writable: true });
}

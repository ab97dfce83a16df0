/**
 * Checks a user module against the contract of its kind, in the main thread,
 * before any trial: the export's shape, then one instance created, cloned as
 * it would be for a worker, attached, and exercised in a single thread.
 * Every problem is an ERR_IMPL_CONTRACT naming the member (exit code 2).
 */
import { HarnessError } from '../core/shared/errors.js';
import { KINDS } from './kinds.js';
import { IMPL_KINDS, type ImplKind, type ImplModule, isImplKind } from './types.js';

function fail(where: string, message: string): never {
  throw new HarnessError('ERR_IMPL_CONTRACT', `${where}: ${message} (see docs/contracts.md)`);
}

/** The module's export: `default`, else a named `impl`. */
export function pickExport(mod: Record<string, unknown>): unknown {
  return mod.default ?? mod.impl;
}

export function checkImplShape(value: unknown, where: string, expectedKind?: ImplKind): ImplModule {
  if (typeof value !== 'object' || value === null) {
    fail(where, `expected a default export (or an export named "impl") of the form { kind, name, create, attach }, got ${value === null ? 'null' : typeof value}`);
  }
  const m = value as Record<string, unknown>;
  if (!isImplKind(m.kind)) {
    fail(where, `kind must be one of ${IMPL_KINDS.join(', ')}; got ${JSON.stringify(m.kind)}`);
  }
  if (expectedKind !== undefined && m.kind !== expectedKind) fail(where, `kind is ${JSON.stringify(m.kind)}, but it was given as a ${expectedKind} implementation`);
  if (typeof m.name !== 'string' || !/^[A-Za-z0-9][\w.-]{0,63}$/.test(m.name)) {
    fail(where, `name must be 1-64 letters, digits, _ . - (it appears in configuration keys); got ${JSON.stringify(m.name)}`);
  }
  if (typeof m.create !== 'function') fail(where, `create must be a function create(options) returning a structured-cloneable handle; got ${typeof m.create}`);
  if (typeof m.attach !== 'function') fail(where, `attach must be a function attach(handle) returning the ${m.kind} object; got ${typeof m.attach}`);
  const spec = KINDS[m.kind];
  if (m.capabilities !== undefined) {
    if (typeof m.capabilities !== 'object' || m.capabilities === null) fail(where, `capabilities must be an object of booleans`);
    for (const [k, v] of Object.entries(m.capabilities)) {
      if (!spec.capabilities.includes(k)) fail(where, `unknown capability ${JSON.stringify(k)} for a ${m.kind}; known: ${spec.capabilities.join(', ') || 'none'}`);
      if (typeof v !== 'boolean') fail(where, `capabilities.${k} must be a boolean; got ${JSON.stringify(v)}`);
    }
  }
  if (m.maxThreads !== undefined && !(Number.isInteger(m.maxThreads) && (m.maxThreads as number) >= 2)) {
    fail(where, `maxThreads must be a whole number >= 2; got ${JSON.stringify(m.maxThreads)}`);
  }
  return value as ImplModule;
}

/**
 * Creates, clones and attaches one instance and runs the kind's smoke check. `onCall` hears of each
 * contract call just before it is made (the smoke worker reports the last one if it never returns).
 */
export function smokeCheck(impl: ImplModule, where: string, onCall?: (call: string) => void): void {
  const spec = KINDS[impl.kind];
  const at = `${where}: ${impl.kind} "${impl.name}"`;
  let handle: unknown;
  try {
    handle = impl.create({ ...spec.smokeOptions });
  } catch (err) {
    fail(at, `create(${JSON.stringify(spec.smokeOptions)}) threw: ${(err as Error).message}`);
  }
  try {
    handle = structuredClone(handle);
  } catch (err) {
    fail(at, `create() returned a handle that cannot be sent to a worker (structured clone failed: ${(err as Error).message}); keep SharedArrayBuffers and plain data in it`);
  }
  let obj: unknown;
  try {
    obj = impl.attach(handle);
  } catch (err) {
    fail(at, `attach(handle) threw: ${(err as Error).message}`);
  }
  if (typeof obj !== 'object' || obj === null) fail(at, `attach(handle) must return an object; got ${obj === null ? 'null' : typeof obj}`);
  const o = obj as Record<string, unknown>;
  for (const [name, sig] of Object.entries(spec.required)) {
    if (typeof o[name] !== 'function') fail(at, `attach(handle) returned an object without the required method ${name}() (${sig})`);
  }
  for (const [name, sig] of Object.entries(spec.optional)) {
    if (o[name] !== undefined && typeof o[name] !== 'function') fail(at, `optional member ${name} must be a method ${sig}; got ${typeof o[name]}`);
  }
  const methods = o as Record<string, (...args: unknown[]) => unknown>;
  const called = onCall === undefined ? methods : announced(methods, [...Object.keys(spec.required), ...Object.keys(spec.optional)], onCall);
  try {
    spec.smoke(called, impl.capabilities?.timeouts !== false);
  } catch (err) {
    fail(at, `single-thread smoke check failed: ${(err as Error).message}`);
  }
}

/** The contract's methods of `o`, each telling `onCall` its call (`acquire(0)`) before making it. */
function announced(o: Record<string, (...args: unknown[]) => unknown>, names: string[], onCall: (call: string) => void): Record<string, (...args: unknown[]) => unknown> {
  const out: Record<string, (...args: unknown[]) => unknown> = {};
  for (const name of names) {
    const fn = o[name];
    if (typeof fn !== 'function') continue;
    out[name] = (...args: unknown[]): unknown => {
      onCall(`${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`);
      return fn.apply(o, args);
    };
  }
  return out;
}

/**
 * A configuration's parameters as a replay token carries them: JSON, except that a BigInt (an
 * ordinary parameter for BigInt64Array users, and one JSON cannot write) is written as its
 * decimal string and its place is listed apart (`pb`, paths from the top of the parameters).
 * Only the listed places turn back into BigInts, so a string parameter that merely looks like a
 * number stays a string. Decoding checks the shape, since a token is input from anyone: a plain
 * object of JSON values, no prototype keys (`__proto__`, `constructor`, `prototype`).
 */
import { HarnessError } from '../shared/errors.js';
import type { Params } from '../../suite-api.js';
import { shown } from './replay-trust.js';
import { visible } from '../shared/control-chars.js';

/** A place in the parameters: keys of objects, indices of arrays. */
export type ParamPath = Array<string | number>;

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Deeper than any real parameter; bounds the recursion on a crafted token. */
const MAX_DEPTH = 32;

function bad(expected: string): HarnessError {
  return new HarnessError('ERR_REPLAY_TOKEN', `replay token is not valid: field p (parameters) ${expected}`);
}

/**
 * BigInts replaced by decimal strings, and where they were. Throws on a cycle (JSON cannot
 * write one either); the token then says that the parameters could not be carried.
 */
export function encodeTokenParams(params: Params): { p: unknown; pb: ParamPath[] } {
  const pb: ParamPath[] = [];
  const open = new Set<object>();
  const walk = (v: unknown, path: ParamPath): unknown => {
    if (typeof v === 'bigint') {
      pb.push(path);
      return v.toString();
    }
    if (typeof v !== 'object' || v === null) return v;
    if (open.has(v)) throw new Error(`a cycle at ${path.map(String).join('.') || 'the top'}`);
    open.add(v);
    const out = Array.isArray(v) ? v.map((x, i) => walk(x, [...path, i])) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]));
    open.delete(v);
    return out;
  };
  return { p: walk(params, []), pb };
}

function checkJsonValue(v: unknown, where: string, depth: number): void {
  if (depth > MAX_DEPTH) throw bad(`nests deeper than ${MAX_DEPTH} levels at ${shown(where)}`);
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkJsonValue(x, `${where}[${i}]`, depth + 1));
    return;
  }
  if (typeof v !== 'object') throw bad(`has a ${typeof v} at ${shown(where)}; expected JSON values`);
  for (const [k, x] of Object.entries(v)) {
    if (PROTOTYPE_KEYS.has(k)) throw bad(`has the key ${shown(k)} at ${shown(where)}; prototype keys are refused`);
    checkJsonValue(x, `${where}.${k}`, depth + 1);
  }
}

/** The token's `p` and `pb` checked and turned back into parameters (with their BigInts). */
export function decodeTokenParams(p: unknown, pb: unknown): Params {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw bad(`is ${visible((JSON.stringify(p) ?? typeof p).slice(0, 80))}; expected an object of name: value`);
  checkJsonValue(p, 'p', 0);
  if (pb === undefined) return p as Params;
  if (!Array.isArray(pb) || !pb.every((path) => Array.isArray(path) && path.length > 0 && path.every((k) => typeof k === 'string' || (Number.isSafeInteger(k) && (k as number) >= 0)))) {
    throw new HarnessError('ERR_REPLAY_TOKEN', 'replay token is not valid: field pb (BigInt parameters) must be a list of paths into p (lists of keys and indices)');
  }
  for (const path of pb as ParamPath[]) {
    let holder = p as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) {
      const next = Object.hasOwn(holder, key) ? holder[key] : undefined;
      if (typeof next !== 'object' || next === null) throw badBigInt(path);
      holder = next as Record<string | number, unknown>;
    }
    const last = path[path.length - 1]!;
    const digits = Object.hasOwn(holder, last) ? holder[last] : undefined;
    if (typeof digits !== 'string' || !/^-?\d{1,10000}$/.test(digits)) throw badBigInt(path);
    holder[last] = BigInt(digits);
  }
  return p as Params;
}

function badBigInt(path: ParamPath): HarnessError {
  return new HarnessError('ERR_REPLAY_TOKEN', `replay token is not valid: field pb names ${shown(path.map(String).join('.'))}, which is not a decimal string in p; expected the place of a BigInt parameter`);
}

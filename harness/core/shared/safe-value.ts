/**
 * Values from suite code (an invariant's expected/observed, what an invariant or
 * an actor threw) turned into report data that cannot hurt a report: plain JSON
 * (BigInt, NaN, undefined, ... become words), no cycles, bounded in size, and
 * read without ever throwing (throwing getters, toJSON and Proxy traps become
 * "[unreadable: ...]"). One walk builds a bounded tree; it is rendered either as
 * JSON-safe data (`safeValue`, for files) or as one line of text (`showValue`,
 * for messages).
 */
import { types } from 'node:util';

/** Characters one value may take: its JSON (`safeValue`) or its text (`showValue`). */
export const VALUE_CAP = 2000;
/** Characters kept of one string inside a value (the rest is counted). */
const STRING_CAP = 500;
/** Containers nested deeper than this are shown by kind only. */
const MAX_DEPTH = 6;

export type SafeValue = null | boolean | number | string | SafeValue[] | { [key: string]: SafeValue };

/** The bounded tree a walk builds: copies only, no user code, so rendering it cannot throw. */
type Node =
  | { kind: 'json'; value: null | boolean | number | string }
  /** A value JSON cannot hold (BigInt, NaN, a function, ...): `text` in messages, `data` (default text) in files. */
  | { kind: 'word'; text: string; data?: string }
  | { kind: 'list'; tag?: string; items: Node[]; more: number }
  | { kind: 'record'; tag?: string; entries: Array<[string, Node]>; more: number }
  | { kind: 'map'; tag: string; entries: Array<[Node, Node]>; more: number };

const PROMISE_WORD = "Promise (an async function's result? await it)";

/** The value as plain JSON data within `cap` characters of JSON.stringify; never throws. */
export function safeValue(value: unknown, cap = VALUE_CAP): SafeValue {
  try {
    const tree = walk(value, cap);
    const data = toData(tree);
    if (JSON.stringify(data).length <= cap) return data;
    // The walk's budget is an estimate: past it, the value's text, cut to fit, stands in.
    return fitJson(toText(tree), cap);
  } catch (err) {
    return fitJson(`[unreadable: ${errorWords(err)}]`, cap);
  }
}

/** The value as one line of text of at most `cap` characters (strings quoted, 5n, NaN, [Circular]); never throws. */
export function showValue(value: unknown, cap = VALUE_CAP): string {
  try {
    return cut(toText(walk(value, cap)), cap);
  } catch (err) {
    return cut(`[unreadable: ${errorWords(err)}]`, cap);
  }
}

/**
 * What was thrown, in words for "... threw <this>": `Error: msg`, `TypeError (no message)`,
 * `undefined`, `null`, `a string: "boom"`, `a number: 42`, `an object: { code: 1 }`. Never throws.
 */
export function describeThrown(thrown: unknown, cap = VALUE_CAP): string {
  try {
    if (thrown === undefined || thrown === null) return String(thrown);
    if (isErrorLike(thrown)) return cut(errorWords(thrown), cap);
    const kind = typeof thrown;
    const article = kind === 'object' ? 'an' : 'a';
    return cut(`${article} ${kind === 'bigint' ? 'BigInt' : kind}: ${showValue(thrown, cap)}`, cap);
  } catch {
    return 'a value that cannot be read';
  }
}

/** `text` cut to `cap` characters, saying how much was cut (and never splitting a surrogate pair). */
export function cut(text: string, cap: number): string {
  if (text.length <= cap) return text;
  const long = ` … (${text.length - cap} more characters)`;
  // Too little room to say how much: a bare ellipsis.
  const note = cap >= long.length + 10 ? long : '…';
  let end = Math.max(0, cap - note.length);
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return `${text.slice(0, end)}${note}`.slice(0, Math.max(0, cap));
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** A string whose JSON (escapes included) fits in `cap` characters. */
function fitJson(text: string, cap: number): string {
  let s = cut(text, Math.max(0, cap - 2));
  // Escapes (\n, \u0001, ...) make JSON longer than the text: cut by the excess until it fits.
  for (let over = JSON.stringify(s).length - cap; over > 0; over = JSON.stringify(s).length - cap) {
    s = cut(s, Math.max(0, s.length - over - 1));
    if (s.length === 0) break;
  }
  return JSON.stringify(s).length <= cap ? s : '';
}

function isErrorLike(v: unknown): boolean {
  if (types.isNativeError(v)) return true;
  try {
    return v instanceof Error;
  } catch {
    return false;
  }
}

/** `Name: message` or `Name (no message)` of an error; a few words for anything else thrown while reading. */
function errorWords(err: unknown): string {
  try {
    if (!isErrorLike(err)) {
      if (typeof err === 'string') return `threw ${JSON.stringify(cut(err, STRING_CAP))}`;
      if (err === null || typeof err !== 'object') return `threw ${typeof err === 'symbol' || typeof err === 'function' ? typeof err : String(err)}`;
      return 'threw an object';
    }
    const e = err as { name?: unknown; message?: unknown };
    const name = typeof e.name === 'string' && e.name !== '' ? cut(e.name, 100) : 'Error';
    const message = e.message;
    if (message === undefined || message === '') return `${name} (no message)`;
    return `${name}: ${typeof message === 'string' ? cut(message, STRING_CAP) : showValue(message, STRING_CAP)}`;
  } catch {
    return 'an error that cannot be read';
  }
}

/** Walks `value` into a tree that renders within about `cap` characters. */
function walk(value: unknown, cap: number): Node {
  return new Walker(cap).visit(value, 0);
}

/** One walk: the characters left to spend, and the objects on the path (for cycles). */
class Walker {
  /** Room kept for what the estimate leaves out: separators, and the "… N more" notes. */
  left: number;
  readonly ancestors = new Set<object>();

  constructor(cap: number) {
    this.left = Math.floor(cap * 0.9) - 40;
  }

  spend(n: Node, chars: number): Node {
    this.left -= chars;
    return n;
  }

  visit(v: unknown, depth: number): Node {
    try {
      const simple = this.leaf(v);
      if (simple !== undefined) return simple;
      const o = v as object;
      if (this.ancestors.has(o)) return this.spend({ kind: 'word', text: '[Circular]' }, 12);
      this.ancestors.add(o);
      try {
        return this.visitObject(o, depth);
      } finally {
        this.ancestors.delete(o);
      }
    } catch (err) {
      return this.spend({ kind: 'word', text: `[unreadable: ${errorWords(err)}]` }, 40);
    }
  }

  /** A primitive (or null) as a node; undefined for objects. */
  leaf(v: unknown): Node | undefined {
    switch (typeof v) {
      case 'string': {
        const s = cut(v, Math.max(40, Math.min(STRING_CAP, this.left)));
        return this.spend({ kind: 'json', value: s }, JSON.stringify(s).length);
      }
      case 'number':
        if (Number.isFinite(v) && !Object.is(v, -0)) return this.spend({ kind: 'json', value: v }, String(v).length);
        return this.spend({ kind: 'word', text: Object.is(v, -0) ? '-0' : String(v) }, 10);
      case 'boolean':
        return this.spend({ kind: 'json', value: v }, 5);
      case 'bigint': {
        const text = `${cut(v.toString(), STRING_CAP)}n`;
        return this.spend({ kind: 'word', text }, text.length + 2);
      }
      case 'undefined':
        return this.spend({ kind: 'word', text: 'undefined' }, 11);
      case 'symbol': {
        const text = cut(String(v), STRING_CAP);
        return this.spend({ kind: 'word', text }, text.length + 2);
      }
      case 'function': {
        const text = `[Function ${functionName(v as (...a: unknown[]) => unknown)}]`;
        return this.spend({ kind: 'word', text }, text.length + 2);
      }
      default:
        return v === null ? this.spend({ kind: 'json', value: null }, 4) : undefined;
    }
  }

  visitObject(o: object, depth: number): Node {
    const word = objectWord(o);
    if (word !== undefined) return this.spend(word, (word.data ?? word.text).length + 2);
    if (depth >= MAX_DEPTH) {
      const text = Array.isArray(o) ? '[Array]' : `[${tagOf(o) ?? 'Object'}]`;
      return this.spend({ kind: 'word', text }, text.length + 2);
    }
    if (ArrayBuffer.isView(o)) {
      const typed = o as unknown as ArrayLike<unknown>;
      return this.items(`${tagOf(o) ?? 'TypedArray'}(${typed.length})`, typed.length, (i) => typed[i], depth);
    }
    if (Array.isArray(o)) return this.items(undefined, o.length, (i) => (o as unknown[])[i], depth);
    if (types.isSet(o)) {
      // The built-in iterator and size, not the object's own (a subclass could override them).
      const size = Number(Reflect.get(Set.prototype, 'size', o));
      const values = Set.prototype.values.call(o);
      return this.items(`Set(${size})`, size, () => values.next().value, depth);
    }
    if (types.isMap(o)) return this.mapEntries(o, depth);
    const toJSON = (o as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const replaced: unknown = toJSON.call(o, '');
      return this.visit(replaced, depth + 1);
    }
    return this.record(o, depth);
  }

  items(tag: string | undefined, length: number, at: (i: number) => unknown, depth: number): Node {
    const out: Node[] = [];
    this.left -= 2;
    let i = 0;
    for (; i < length && this.left > 0; i++) {
      out.push(this.visit(at(i), depth + 1));
      this.left -= 2;
    }
    const node: Node = { kind: 'list', items: out, more: length - i };
    if (tag !== undefined) node.tag = tag;
    return node;
  }

  mapEntries(m: Map<unknown, unknown>, depth: number): Node {
    const size = Number(Reflect.get(Map.prototype, 'size', m));
    const pairs = Map.prototype.entries.call(m);
    const out: Array<[Node, Node]> = [];
    this.left -= 2;
    for (let next = pairs.next(); !next.done && this.left > 0; next = pairs.next()) {
      out.push([this.visit(next.value[0], depth + 1), this.visit(next.value[1], depth + 1)]);
      this.left -= 6;
    }
    return { kind: 'map', tag: `Map(${size})`, entries: out, more: size - out.length };
  }

  record(o: object, depth: number): Node {
    const keys = Object.keys(o);
    const out: Array<[string, Node]> = [];
    this.left -= 2;
    let i = 0;
    for (; i < keys.length && this.left > 0; i++) {
      const key = cut(keys[i]!, 100);
      this.left -= key.length + 4;
      let child: Node;
      try {
        child = this.visit((o as Record<string, unknown>)[keys[i]!], depth + 1);
      } catch (err) {
        child = this.spend({ kind: 'word', text: `[unreadable: ${errorWords(err)}]` }, 40);
      }
      out.push([key, child]);
    }
    const node: Node = { kind: 'record', entries: out, more: keys.length - i };
    const tag = tagOf(o);
    if (tag !== undefined && tag !== 'Object') node.tag = tag;
    return node;
  }
}

/** Objects shown as one word: promises, errors, dates, buffers, weak collections, boxed primitives. */
function objectWord(o: object): { kind: 'word'; text: string; data?: string } | undefined {
  if (types.isPromise(o)) return { kind: 'word', text: PROMISE_WORD };
  if (isErrorLike(o)) return { kind: 'word', text: errorWords(o) };
  if (types.isDate(o)) {
    const time = Date.prototype.getTime.call(o);
    if (Number.isNaN(time)) return { kind: 'word', text: 'Invalid Date' };
    const iso = Date.prototype.toISOString.call(o);
    return { kind: 'word', text: `Date(${iso})`, data: iso };
  }
  if (types.isRegExp(o)) return { kind: 'word', text: cut(RegExp.prototype.toString.call(o), STRING_CAP) };
  if (o instanceof DataView) return { kind: 'word', text: `DataView(${o.byteLength} bytes)` };
  if (types.isAnyArrayBuffer(o)) return { kind: 'word', text: `${tagOf(o) ?? 'ArrayBuffer'}(${(o as ArrayBuffer).byteLength} bytes)` };
  if (types.isWeakMap(o) || types.isWeakSet(o)) return { kind: 'word', text: `[${tagOf(o) ?? 'Weak'}]` };
  if (types.isBoxedPrimitive(o)) return { kind: 'word', text: `[boxed ${showValue((o as { valueOf(): unknown }).valueOf(), 100)}]` };
  return undefined;
}

/** The constructor's name (`Int32Array`, `Point`), `null prototype`, or undefined if unreadable. */
function tagOf(o: object): string | undefined {
  try {
    const proto = Object.getPrototypeOf(o) as { constructor?: unknown } | null;
    if (proto === null) return 'null prototype';
    const ctor = proto.constructor;
    return typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name !== '' ? cut(ctor.name, 100) : undefined;
  } catch {
    return undefined;
  }
}

function functionName(f: (...a: unknown[]) => unknown): string {
  try {
    const name = Object.getOwnPropertyDescriptor(f, 'name')?.value as unknown;
    return typeof name === 'string' && name !== '' ? cut(name, 100) : '(anonymous)';
  } catch {
    return '(anonymous)';
  }
}

function toData(n: Node): SafeValue {
  switch (n.kind) {
    case 'json':
      return n.value;
    case 'word':
      return n.data ?? n.text;
    case 'list': {
      const out = n.items.map(toData);
      if (n.more > 0) out.push(`… ${n.more} more`);
      return out;
    }
    case 'map': {
      const out: SafeValue[] = n.entries.map(([k, v]) => [toData(k), toData(v)]);
      if (n.more > 0) out.push(`… ${n.more} more`);
      return out;
    }
    case 'record': {
      const out: { [key: string]: SafeValue } = {};
      // defineProperty: a key named __proto__ becomes a property, not the object's prototype.
      for (const [k, v] of n.entries) Object.defineProperty(out, k, { value: toData(v), enumerable: true, writable: true, configurable: true });
      if (n.more > 0) Object.defineProperty(out, '…', { value: `${n.more} more keys`, enumerable: true, writable: true, configurable: true });
      return out;
    }
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function toText(n: Node): string {
  switch (n.kind) {
    case 'json':
      return typeof n.value === 'string' ? JSON.stringify(n.value) : String(n.value);
    case 'word':
      return n.text;
    case 'list': {
      const parts = n.items.map(toText);
      if (n.more > 0) parts.push(`… ${n.more} more`);
      return `${n.tag !== undefined ? `${n.tag} ` : ''}[${parts.join(', ')}]`;
    }
    case 'map': {
      const parts = n.entries.map(([k, v]) => `${toText(k)} => ${toText(v)}`);
      if (n.more > 0) parts.push(`… ${n.more} more`);
      return `${n.tag} {${parts.length > 0 ? ` ${parts.join(', ')} ` : ''}}`;
    }
    case 'record': {
      const parts = n.entries.map(([k, v]) => `${IDENTIFIER.test(k) ? k : JSON.stringify(k)}: ${toText(v)}`);
      if (n.more > 0) parts.push(`… ${n.more} more keys`);
      return `${n.tag !== undefined ? `${n.tag} ` : ''}{${parts.length > 0 ? ` ${parts.join(', ')} ` : ''}}`;
    }
  }
}

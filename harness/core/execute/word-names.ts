/**
 * Names for the words of a controlled trial, from the state setup() returned, on the main thread.
 *
 * The model logs a word as `buf<id>+<byte>`: the buffer's id from a walk of the trial state in key
 * order, the byte relative to the buffer's base (worker/sched/buffer-ids.ts). The main thread
 * walks the original state with the same BufferIds class, so its ids and bases are the workers',
 * and also notes where each typed array and primitive handle sits, under its path in the state.
 * A word is then named by the first view (in walk order) whose range covers it: `board[1]`,
 * `locks[0].word[0]`; else by the handle it falls in (`lock+4`), else by the buffer (`buf+64`).
 * Several states of a batch share one arena chunk, and several views one buffer, so only the
 * covering view tells `word[0]` from `board[1]`.
 */
// The walk stops as deep and as wide as the ids walk does, or a word would get no name.
import { BufferIds, MAX_DEPTH, MAX_VISITS } from './worker/sched/buffer-ids.js';

/** A place in the state that reaches a shared buffer. */
interface Place {
  path: string;
  buffer: SharedArrayBuffer;
  /** Absolute byte offset in the buffer where the place starts. */
  start: number;
  /** One past its last byte; Infinity for a handle or bare buffer (its length is not known). */
  end: number;
  /** Element size of a typed array; 0 for a handle or bare buffer (named `path+byte`). */
  elementBytes: number;
}

/** `buf3+16` as the model writes it. */
const MODEL_WORD = /\bbuf(\d+)\+(\d+)\b/g;

export class WordNames {
  readonly #places: Place[] = [];
  readonly #ids = new BufferIds([]);
  /** Names by `id+byte`; undefined (cached too) when no place covers the word. */
  readonly #cache = new Map<string, string | undefined>();

  constructor(state: unknown) {
    this.#ids.identify(state);
    this.#collect(state);
  }

  /** The name of byte `byte` (relative to the base) of buffer `id`, or undefined when no place of the state covers it. */
  nameOf(id: number, byte: number): string | undefined {
    const key = `${id}+${byte}`;
    if (this.#cache.has(key)) return this.#cache.get(key);
    let name: string | undefined;
    let fallback: string | undefined;
    for (const p of this.#places) {
      if (this.#ids.idOf(p.buffer) !== id) continue;
      const absolute = this.#ids.baseOf(id) + byte;
      if (absolute < p.start || absolute >= p.end) continue;
      const rel = absolute - p.start;
      if (p.elementBytes > 0 && rel % p.elementBytes === 0) {
        name = `${p.path}[${rel / p.elementBytes}]`;
        break;
      }
      // A handle or bare buffer covers everything after its start: a view found later is more exact.
      fallback ??= `${p.path}+${rel}`;
    }
    name ??= fallback;
    this.#cache.set(key, name);
    return name;
  }

  /** `text` with every `buf<id>+<byte>` the model wrote replaced by its name, where one is known. */
  rename(text: string): string {
    return text.replace(MODEL_WORD, (whole, id: string, byte: string) => this.nameOf(Number(id), Number(byte)) ?? whole);
  }

  /** The same walk as BufferIds.identify (key order, arrays, objects, Maps, Sets), keeping paths. */
  #collect(state: unknown): void {
    let visits = 0;
    const seen = new Set<object>();
    const walk = (v: unknown, path: string, depth: number): void => {
      if (v === null || typeof v !== 'object' || depth > MAX_DEPTH || ++visits > MAX_VISITS) return;
      if (v instanceof SharedArrayBuffer) {
        this.#places.push({ path, buffer: v, start: 0, end: Infinity, elementBytes: 0 });
        return;
      }
      if (ArrayBuffer.isView(v)) {
        if (v.buffer instanceof SharedArrayBuffer) {
          const elementBytes = 'BYTES_PER_ELEMENT' in v ? (v as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : 0;
          this.#places.push({ path, buffer: v.buffer, start: v.byteOffset, end: v.byteOffset + v.byteLength, elementBytes });
        }
        return;
      }
      if (seen.has(v)) return;
      seen.add(v);
      const handle = v as { buffer?: unknown; byteOffset?: unknown };
      const isHandle = handle.buffer instanceof SharedArrayBuffer && typeof handle.byteOffset === 'number';
      if (isHandle) this.#places.push({ path, buffer: handle.buffer as SharedArrayBuffer, start: handle.byteOffset as number, end: Infinity, elementBytes: 0 });
      if (v instanceof Map) {
        let i = 0;
        for (const [k, x] of v) {
          walk(k, `${path}.key(${i})`, depth + 1);
          walk(x, `${path}.get(${typeof k === 'string' || typeof k === 'number' ? JSON.stringify(k) : i})`, depth + 1);
          i++;
        }
      } else if (v instanceof Set) {
        let i = 0;
        for (const x of v) walk(x, `${path}.set(${i++})`, depth + 1);
      } else if (Array.isArray(v)) {
        v.forEach((x, i) => walk(x, `${path}[${i}]`, depth + 1));
      } else {
        for (const k of Object.keys(v)) {
          // A handle's own buffer is named as the handle (`lock+0`), not as `lock.buffer+0`; an
          // object with a buffer but no byteOffset is no handle, and its buffer is `x.buffer+0`.
          if (k === 'buffer' && isHandle) continue;
          walk((v as Record<string, unknown>)[k], path === '' ? safeKey(k) : `${path}.${safeKey(k)}`, depth + 1);
        }
      }
    };
    walk(state, '', 0);
    // The state itself a view or a buffer: `state[0]`.
    for (const p of this.#places) if (p.path === '' || p.path.startsWith('[') || p.path.startsWith('.')) p.path = `state${p.path}`;
  }
}

/** A key as it reads in a path: identifiers as they are, anything else quoted. */
function safeKey(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
}

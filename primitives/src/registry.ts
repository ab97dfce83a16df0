/**
 * The process-wide thread registry: one SharedArrayBuffer that every thread of
 * the process sees. It holds each live thread's name and, while the thread is
 * blocked on a lock, what it waits for and who holds that (the wait-for table
 * that deadlock detection walks).
 *
 * How threads find it: the first thread to import this module creates it and
 * publishes it with `setEnvironmentData`, which Node copies into every Worker
 * created afterwards (a SharedArrayBuffer is shared, not copied). So import
 * `@shakedown/primitives` in the main thread before starting workers.
 */
import { getEnvironmentData, setEnvironmentData, isMainThread, threadId } from 'node:worker_threads';
import { ShakedownError } from './errors.js';

const ENV_KEY = 'shakedown.primitives.registry.v1';
const ENV_THREAD_NAME = 'shakedown.primitives.threadName';
const MAGIC = 0x5348_4b44; // "SHKD"

// Header words.
const H_MAGIC = 0;
const H_CAPACITY = 1;
// Word 2 is unused. It held a count of live threads, but a thread terminated between claiming or
// freeing its slot and updating the count left it wrong for good; the count is now the slots.
/** Source of process-unique primitive ids (0 is never handed out: it means "none"). */
const H_NEXT_PRIMITIVE_ID = 3;
/** 1 while deadlock detection is on, for every thread at once. */
const H_DEADLOCK_DETECTION = 4;
/** Global order of "started waiting" events; the latest waiter of a cycle is its victim. */
const H_WAIT_SEQ = 5;
const HEADER_WORDS = 16;

// Per-thread slot words. A slot is 16 words (64 bytes) so that two threads'
// wait records never share a cache line.
const SLOT_WORDS = 16;
/** threadId + 1 of the thread in this slot; 0 = free. Claimed by CAS. */
const S_THREAD = 0;
/** S_THREAD while freeSlot clears a slot: not an owner (tokens are >= 1), not free (0). */
const FREEING = -1;
/** Id of the primitive this thread is blocked on; 0 = not blocked on a lock. */
const S_WAITS_FOR = 1;
/** threadId + 1 of that primitive's owner as last seen by the waiter; refreshed on every wake-up. */
const S_WAIT_OWNER = 2;
/** H_WAIT_SEQ value taken when this wait started. */
const S_WAIT_SEQ = 3;
/** Bumped on every change of this slot's wait record, so a reader can tell a stable record from a moving one. */
const S_VERSION = 4;
const S_NAME_LEN = 5;
const S_PRIM_NAME_LEN = 6;
const S_IS_MAIN = 7;
/** Words 8..15: ids of the locks this thread holds right now (0 = empty entry), so that a
 *  wait-for edge "X waits for L held by Y" can be checked against the truth: does Y hold L? */
const S_HELD = 8;
const HELD_ENTRIES = 8;

const NAME_BYTES = 64;
const DEFAULT_CAPACITY = 1024;

interface RegistryViews {
  i32: Int32Array;
  bytes: Uint8Array;
  capacity: number;
  namesOffset: number;
  primNamesOffset: number;
}

function layout(buffer: SharedArrayBuffer): RegistryViews {
  const i32 = new Int32Array(buffer);
  const capacity = i32[H_CAPACITY]!;
  const wordsEnd = (HEADER_WORDS + capacity * SLOT_WORDS) * 4;
  return {
    i32,
    bytes: new Uint8Array(buffer),
    capacity,
    namesOffset: wordsEnd,
    primNamesOffset: wordsEnd + capacity * NAME_BYTES,
  };
}

function createRegistryBuffer(capacity: number): SharedArrayBuffer {
  const bytes = (HEADER_WORDS + capacity * SLOT_WORDS) * 4 + 2 * capacity * NAME_BYTES;
  const buffer = new SharedArrayBuffer(bytes);
  const i32 = new Int32Array(buffer);
  i32[H_CAPACITY] = capacity;
  i32[H_NEXT_PRIMITIVE_ID] = 1;
  i32[H_DEADLOCK_DETECTION] = 1;
  Atomics.store(i32, H_MAGIC, MAGIC);
  return buffer;
}

function obtainRegistry(): RegistryViews {
  const inherited = getEnvironmentData(ENV_KEY);
  if (inherited instanceof SharedArrayBuffer && new Int32Array(inherited)[H_MAGIC] === MAGIC) {
    return layout(inherited);
  }
  const buffer = createRegistryBuffer(DEFAULT_CAPACITY);
  setEnvironmentData(ENV_KEY, buffer);
  return layout(buffer);
}

const R = obtainRegistry();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let mySlot = -1;
/**
 * This thread's held-lock entries (S_HELD..) as a view of their own, made when the slot is claimed:
 * noteHeld/noteReleased run inside every lock's critical section, so they index a ready view
 * instead of recomputing the slot's base on each call (a small saving: not measurable alone
 * through the contended bench's noise).
 */
let myHeld: Int32Array | null = null;
/**
 * The owner token of this thread, read once: `threadId` is a live binding of a built-in module,
 * re-read on every access, which measured ~4 ns per lock operation in the contended bench.
 */
const MY_TOKEN = threadId + 1;

function writeName(offset: number, lenIndex: number, name: string): void {
  const encoded = encoder.encode(name).subarray(0, NAME_BYTES);
  R.bytes.set(encoded, offset);
  Atomics.store(R.i32, lenIndex, encoded.length);
}

function readName(offset: number, lenIndex: number): string {
  const len = Atomics.load(R.i32, lenIndex);
  return decoder.decode(R.bytes.slice(offset, offset + len));
}

function slotBase(slot: number): number {
  return HEADER_WORDS + slot * SLOT_WORDS;
}

function defaultThreadName(): string {
  const given = getEnvironmentData(ENV_THREAD_NAME);
  if (typeof given === 'string' && given.length > 0) return given;
  return isMainThread ? 'main' : `worker-${threadId}`;
}

/** This thread's slot, claimed on first use. */
export function ownSlot(): number {
  if (mySlot >= 0) return mySlot;
  const want = threadId + 1;
  for (let i = 0; i < R.capacity; i++) {
    const slot = (threadId + i) % R.capacity;
    if (Atomics.compareExchange(R.i32, slotBase(slot) + S_THREAD, 0, want) === 0) {
      mySlot = slot;
      const base = slotBase(slot);
      myHeld = new Int32Array(R.i32.buffer, R.i32.byteOffset + (base + S_HELD) * 4, HELD_ENTRIES);
      Atomics.store(R.i32, base + S_WAITS_FOR, 0);
      Atomics.store(R.i32, base + S_IS_MAIN, isMainThread ? 1 : 0);
      writeName(R.namesOffset + slot * NAME_BYTES, base + S_NAME_LEN, defaultThreadName());
      if (!isMainThread) process.once('exit', releaseOwnSlot);
      return slot;
    }
  }
  throw new ShakedownError(
    'ERR_THREAD_REGISTRY_FULL',
    `thread registry is full (${R.capacity} threads); threads that were terminated without reapThread() still hold slots`,
  );
}

function releaseOwnSlot(): void {
  if (mySlot < 0) return;
  freeSlot(mySlot, threadId);
  mySlot = -1;
  myHeld = null;
}

/**
 * Frees `slot` if thread `tid` still owns it. A worker's own exit handler and the main thread's
 * reapThread (startThread calls it on the exit event) may both get here: only the one whose
 * compare-and-swap claims the slot clears it.
 */
function freeSlot(slot: number, tid: number): void {
  const base = slotBase(slot);
  // Claim the slot for freeing first (FREEING: neither owned nor free, so no new thread can take it
  // meanwhile); only the winner clears it, so a late loser cannot wipe a new owner's held locks.
  if (Atomics.compareExchange(R.i32, base + S_THREAD, tid + 1, FREEING) !== tid + 1) return;
  for (let i = 0; i < HELD_ENTRIES; i++) Atomics.store(R.i32, base + S_HELD + i, 0);
  Atomics.store(R.i32, base + S_WAITS_FOR, 0);
  // A thread terminated right here leaves the slot FREEING: unlisted and uncounted, but not reusable
  // (a lost slot of the 1,024, never a wrong count or a wiped entry of another thread).
  Atomics.store(R.i32, base + S_THREAD, 0);
}

function findSlot(tid: number): number {
  const want = tid + 1;
  for (let i = 0; i < R.capacity; i++) {
    const slot = (tid + i) % R.capacity;
    if (Atomics.load(R.i32, slotBase(slot) + S_THREAD) === want) return slot;
  }
  return -1;
}

/**
 * Frees the registry slot of a thread that ended without running its exit
 * handlers (a Worker stopped with `terminate()`). Safe to call for any id;
 * save `worker.threadId` before terminating: Node sets it to -1 once the
 * thread has exited, and -1 (or any negative id) is ignored.
 */
export function reapThread(tid: number): void {
  if (!Number.isInteger(tid) || tid < 0) return;
  const slot = findSlot(tid);
  if (slot >= 0) freeSlot(slot, tid);
}

/** The owner value stored in locks: threadId + 1, so that 0 can mean "nobody". */
export function ownerToken(): number {
  if (mySlot < 0) ownSlot();
  return MY_TOKEN;
}

export function setThreadName(name: string): void {
  const slot = ownSlot();
  writeName(R.namesOffset + slot * NAME_BYTES, slotBase(slot) + S_NAME_LEN, name);
}

export function threadNameOf(tid: number): string {
  const slot = findSlot(tid);
  if (slot < 0) return `thread-${tid}`;
  return readName(R.namesOffset + slot * NAME_BYTES, slotBase(slot) + S_NAME_LEN);
}

export interface ThreadInfo {
  /** `worker_threads.threadId` (0 for the main thread). */
  id: number;
  name: string;
  isMain: boolean;
}

export function liveThreads(): ThreadInfo[] {
  const out: ThreadInfo[] = [];
  for (let slot = 0; slot < R.capacity; slot++) {
    const base = slotBase(slot);
    const token = Atomics.load(R.i32, base + S_THREAD);
    if (token <= 0) continue;
    out.push({
      id: token - 1,
      name: readName(R.namesOffset + slot * NAME_BYTES, base + S_NAME_LEN),
      isMain: Atomics.load(R.i32, base + S_IS_MAIN) === 1,
    });
  }
  return out;
}

/** Counted from the slots, like liveThreads(), so the two always agree (no separate counter to drift). */
export function liveThreadCount(): number {
  let n = 0;
  for (let slot = 0; slot < R.capacity; slot++) if (Atomics.load(R.i32, slotBase(slot) + S_THREAD) > 0) n++;
  return n;
}

/** While set (withPrimitiveIds), ids come from this block instead of the process-wide counter. */
let idBlock: { next: number; end: number; count: number } | null = null;

export function nextPrimitiveId(): number {
  if (idBlock !== null) {
    if (idBlock.next >= idBlock.end) throw new RangeError(`more primitives were made than the ${idBlock.count} ids reserved for them`);
    return idBlock.next++;
  }
  return takeIds(1);
}

/**
 * Takes `count` ids off the process-wide counter and returns the first: a block that
 * withPrimitiveIds hands out again in other threads. Its ids are first .. first + count - 1,
 * all of them valid ids (see takeIds).
 */
export function reservePrimitiveIds(count: number): number {
  if (!Number.isInteger(count) || count < 1 || count > MAX_ID_BLOCK) throw new RangeError(`reservePrimitiveIds(count): expected an integer from 1 to ${MAX_ID_BLOCK}, got ${String(count)}`);
  return takeIds(count);
}

/**
 * Ids are 1 .. 2^31 - 1: each is stored in Int32 words (held-lock entries, wait records) and compared
 * there with the number its primitive keeps, and 0 means "none". The counter is one Int32 word that
 * wraps, and a soak wraps it: at 4 million in-worker trials per second, one id each, it passes 2^31
 * in about 9 minutes. So an id is the counter's low 31 bits (the same ids as the counter itself
 * until it first passes 2^31 - 1; and 2^31 divides the word's 2^32 values, so no two nearby counter
 * values give one id), and a block is taken again if it would hold 0 or run past 2^31 - 1: a lock
 * whose id its held-lock entry could not hold would never be seen released. Ids repeat after 2^31 of
 * them; only primitives alive at the same time must differ, and none lives that long in a stress run.
 */
const ID_MASK = 0x7fff_ffff;
/** The largest block reservePrimitiveIds hands out: a small part of the range, so that taking one again always fits. */
const MAX_ID_BLOCK = 1 << 28;

function takeIds(count: number): number {
  for (;;) {
    const first = Atomics.add(R.i32, H_NEXT_PRIMITIVE_ID, count) & ID_MASK;
    if (first !== 0 && first + count - 1 <= ID_MASK) return first;
    // Holds 0 or runs past the end: the counter has moved on by `count`, so the next block starts near 1.
  }
}

/**
 * Runs `fn` with every primitive it constructs numbered first, first + 1, ... (at most `count`):
 * the same code run in several threads then makes primitives with the same ids. The stress
 * harness runs a suite's setup in every worker of a trial this way (in-worker trials): each
 * thread builds its own view of one trial state, and a lock must have one id in all of them
 * (deadlock detection matches waits to holders by id). Throws RangeError past `count`.
 */
export function withPrimitiveIds<T>(first: number, count: number, fn: () => T): T {
  const outer = idBlock;
  // Reused when not nested: the harness calls this once per trial per thread.
  const block = outer === null ? spareBlock : { next: 0, end: 0, count: 0 };
  block.next = first;
  block.end = first + count;
  block.count = count;
  idBlock = block;
  try {
    return fn();
  } finally {
    idBlock = outer;
  }
}
const spareBlock = { next: 0, end: 0, count: 0 };

/** How many primitive ids `fn` takes (it runs with ids from a scratch block that no other primitive uses). */
export function countPrimitiveIds(fn: () => unknown, limit = 1 << 20): number {
  const outer = idBlock;
  const block = { next: -limit - 1, end: -1, count: limit };
  idBlock = block;
  try {
    fn();
  } finally {
    idBlock = outer;
  }
  return block.next - (-limit - 1);
}

/** Name to give a Worker about to be constructed by this thread (read back by the worker's registry). */
export function presetChildThreadName(name: string | undefined): void {
  setEnvironmentData(ENV_THREAD_NAME, name ?? '');
}

// ---- deadlock detection: the wait-for table ------------------------------------------

export function deadlockDetectionEnabled(): boolean {
  return Atomics.load(R.i32, H_DEADLOCK_DETECTION) === 1;
}

/** Switches deadlock detection for every thread of the process. On by default. */
export function setDeadlockDetection(on: boolean): void {
  Atomics.store(R.i32, H_DEADLOCK_DETECTION, on ? 1 : 0);
}

/** Notes that this thread now holds lock `primId` (first free entry; beyond 8 held locks, not tracked). */
export function noteHeld(primId: number): void {
  const held = myHeld ?? heldEntries();
  for (let i = 0; i < HELD_ENTRIES; i++) {
    if (held[i] === 0) {
      held[i] = primId; // plain: only this thread writes its entries (see mutex-core.ts)
      return;
    }
  }
}

/**
 * Empties this thread's held-lock entries. For a harness whose threads run one trial after another
 * (shakedown's trial workers): a lock an actor left held lives in that trial's memory and ends with
 * it, but its entry would stay, and with all HELD_ENTRIES taken by such leftovers the thread's
 * later locks go unrecorded, so that no lock cycle through them can be confirmed (a deadlock
 * would hang instead of being reported). Plain stores: only this thread writes its entries.
 */
export function forgetHeldLocks(): void {
  const held = myHeld;
  if (held === null) return;
  for (let i = 0; i < HELD_ENTRIES; i++) if (held[i] !== 0) held[i] = 0;
}

function heldEntries(): Int32Array {
  ownSlot();
  return myHeld!;
}

/** Notes that this thread released lock `primId`. Only this thread writes its own entries. */
export function noteReleased(primId: number): void {
  const held = myHeld;
  if (held === null) return;
  for (let i = 0; i < HELD_ENTRIES; i++) {
    if (held[i] === primId) {
      held[i] = 0;
      return;
    }
  }
}

function holds(slot: number, primId: number): boolean {
  const base = slotBase(slot) + S_HELD;
  for (let i = 0; i < HELD_ENTRIES; i++) if (Atomics.load(R.i32, base + i) === primId) return true;
  return false;
}

/** Records "this thread waits for primitive `primId` (named `primName`), held by owner token `owner`". */
export function recordWait(primId: number, primName: string, owner: number): void {
  const slot = ownSlot();
  const base = slotBase(slot);
  if (Atomics.load(R.i32, base + S_WAITS_FOR) !== primId) {
    writeName(R.primNamesOffset + slot * NAME_BYTES, base + S_PRIM_NAME_LEN, primName);
    Atomics.store(R.i32, base + S_WAIT_SEQ, Atomics.add(R.i32, H_WAIT_SEQ, 1));
    Atomics.store(R.i32, base + S_WAITS_FOR, primId);
    Atomics.store(R.i32, base + S_WAIT_OWNER, owner);
    Atomics.add(R.i32, base + S_VERSION, 1);
  } else if (Atomics.load(R.i32, base + S_WAIT_OWNER) !== owner) {
    Atomics.store(R.i32, base + S_WAIT_OWNER, owner);
    Atomics.add(R.i32, base + S_VERSION, 1);
  }
}

/**
 * Records a wait with no holder (a queue, event, semaphore, barrier or condition notify) only if
 * this thread has no wait on record: async tasks of one thread share its one record, and a lock
 * wait (which can close a cycle) must not be overwritten by another task's sleep. True if recorded.
 */
export function recordWaitIfNone(primId: number, primName: string): boolean {
  const slot = ownSlot();
  if (Atomics.load(R.i32, slotBase(slot) + S_WAITS_FOR) !== 0) return false;
  recordWait(primId, primName, 0);
  return true;
}

/**
 * Clears this thread's wait record: only if it is for `primId` when given (another async task of
 * this thread may have recorded its own wait meanwhile, and that one must stay).
 */
export function clearWait(primId?: number): void {
  if (mySlot < 0) return;
  const base = slotBase(mySlot);
  const current = Atomics.load(R.i32, base + S_WAITS_FOR);
  if (primId !== undefined && current !== primId) return;
  if (current !== 0) {
    Atomics.store(R.i32, base + S_WAITS_FOR, 0);
    Atomics.store(R.i32, base + S_WAIT_OWNER, 0);
    Atomics.add(R.i32, base + S_VERSION, 1);
  }
}

interface RawEdge {
  slot: number;
  tid: number;
  waitsFor: number;
  owner: number;
  seq: number;
  version: number;
}

function readEdge(slot: number): RawEdge {
  const base = slotBase(slot);
  return {
    slot,
    tid: Atomics.load(R.i32, base + S_THREAD) - 1,
    waitsFor: Atomics.load(R.i32, base + S_WAITS_FOR),
    owner: Atomics.load(R.i32, base + S_WAIT_OWNER),
    seq: Atomics.load(R.i32, base + S_WAIT_SEQ),
    version: Atomics.load(R.i32, base + S_VERSION),
  };
}

/** A snapshot of a wait-for cycle through this thread, or null. */
export interface CycleSnapshot {
  edges: RawEdge[];
  /** True when this thread is the one that should break the cycle (the latest to start waiting). */
  thisThreadIsVictim: boolean;
}

/** Follows this thread's wait record from owner to owner; returns the cycle if it comes back here. */
export function findCycleThroughSelf(): CycleSnapshot | null {
  if (mySlot < 0) return null;
  const edges: RawEdge[] = [];
  const seen = new Set<number>();
  let slot = mySlot;
  while (!seen.has(slot)) {
    seen.add(slot);
    const edge = readEdge(slot);
    if (edge.waitsFor === 0 || edge.owner === 0) return null;
    edges.push(edge);
    const next = findSlot(edge.owner - 1);
    if (next < 0) return null;
    if (next === mySlot) {
      const mySeq = edges[0]!.seq;
      return { edges, thisThreadIsVictim: edges.every((e) => e.seq <= mySeq) };
    }
    slot = next;
  }
  return null; // a cycle that does not pass through this thread: one of its members will report it
}

/**
 * True when every edge of the snapshot is still exactly as recorded (no waiter
 * moved: versions unchanged) AND true now: the thread each edge names as the
 * holder really holds that lock, read from the holder's own held list. Called
 * twice with a pause between; a waiter that stayed blocked across both checks
 * cannot have released what it held in between, so a cycle that passes both is
 * a real deadlock, not a stale record.
 */
export function cycleStillHolds(snapshot: CycleSnapshot): boolean {
  return snapshot.edges.every((e) => {
    const now = readEdge(e.slot);
    if (now.version !== e.version || now.tid !== e.tid || now.waitsFor !== e.waitsFor || now.owner !== e.owner) {
      return false;
    }
    const holderSlot = findSlot(e.owner - 1);
    return holderSlot >= 0 && holds(holderSlot, e.waitsFor);
  });
}

/** `heldBy` of a wait with no holder (a queue, event, semaphore, barrier or condition notify). */
export const NO_HOLDER = '(nobody)';

export interface WaitRecord {
  thread: string;
  threadId: number;
  waitsFor: string;
  heldBy: string;
  heldById: number;
}

export function describeEdges(snapshot: CycleSnapshot): WaitRecord[] {
  return snapshot.edges.map((e) => ({
    thread: readName(R.namesOffset + e.slot * NAME_BYTES, slotBase(e.slot) + S_NAME_LEN),
    threadId: e.tid,
    waitsFor: readName(R.primNamesOffset + e.slot * NAME_BYTES, slotBase(e.slot) + S_PRIM_NAME_LEN),
    heldBy: threadNameOf(e.owner - 1),
    heldById: e.owner - 1,
  }));
}

/**
 * Every thread currently blocked on a lock, with what it waits for and who
 * holds it. The harness prints this when a trial hangs.
 */
export function waitForTable(): WaitRecord[] {
  const out: WaitRecord[] = [];
  for (let slot = 0; slot < R.capacity; slot++) {
    const e = readEdge(slot);
    if (e.tid < 0 || e.waitsFor === 0) continue;
    out.push({
      thread: readName(R.namesOffset + slot * NAME_BYTES, slotBase(slot) + S_NAME_LEN),
      threadId: e.tid,
      waitsFor: readName(R.primNamesOffset + slot * NAME_BYTES, slotBase(slot) + S_PRIM_NAME_LEN),
      heldBy: e.owner === 0 ? NO_HOLDER : threadNameOf(e.owner - 1),
      heldById: e.owner - 1,
    });
  }
  return out;
}

// A thread is listed from the moment it imports the package (not only once it first takes a
// lock), so enumerateThreads()/activeThreadCount() count every live thread that can use the
// primitives. A full registry is not an import error: the first operation that needs a slot says so.
try {
  ownSlot();
} catch {
  /* ERR_THREAD_REGISTRY_FULL: reported by the operation that needs the slot */
}

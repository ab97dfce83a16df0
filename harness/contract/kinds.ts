/**
 * Per kind: the members an attached implementation must have, those it may
 * have, the capabilities it may declare, and a single-thread smoke check run
 * in the main thread before any trial (docs/contracts.md lists each message).
 * The smoke check only proves the module is wired up (the easy, uncontended
 * path works); semantics are the conformance suites' job, so a broken
 * gallery entry still reaches its trials.
 */
import type { CreateOptions, ImplKind } from './types.js';

type Impl = Record<string, (...args: unknown[]) => unknown>;

export interface KindSpec {
  /** Required methods, with the signature shown in error messages. */
  required: Record<string, string>;
  optional: Record<string, string>;
  capabilities: string[];
  /** Options for the smoke check's instance. */
  smokeOptions: CreateOptions;
  /**
   * Throws a message (without prefix) when the instance misbehaves in one thread. `timed` is false
   * for a module that declares `timeouts: false`: then no call may be one that only a timeout ends
   * (it would block the main thread forever), only calls that succeed at once.
   */
  smoke(impl: Impl, timed: boolean): void;
}

function expect(what: string, got: unknown, want: unknown): void {
  if (got !== want) throw new Error(`${what} returned ${JSON.stringify(got)}; expected ${JSON.stringify(want)}`);
}

const LOCK_REQUIRED = {
  acquire: 'acquire(timeoutMs?: number): boolean',
  release: 'release(): void',
};

export const KINDS: Record<ImplKind, KindSpec> = {
  lock: {
    required: LOCK_REQUIRED,
    optional: { tryAcquire: 'tryAcquire(): boolean' },
    capabilities: ['releaseByNonOwnerThrows', 'timeouts'],
    smokeOptions: {},
    smoke(l) {
      expect('acquire(0) on a free lock', l.acquire!(0), true);
      l.release!();
      expect('acquire(100) after release()', l.acquire!(100), true);
      l.release!();
    },
  },
  rlock: {
    required: LOCK_REQUIRED,
    optional: { tryAcquire: 'tryAcquire(): boolean' },
    capabilities: ['releaseByNonOwnerThrows', 'timeouts'],
    smokeOptions: {},
    smoke(l) {
      expect('acquire(0) on a free rlock', l.acquire!(0), true);
      expect('acquire(0) by the owner (reentrant)', l.acquire!(0), true);
      l.release!();
      l.release!();
      expect('acquire(0) after two releases', l.acquire!(0), true);
      l.release!();
    },
  },
  semaphore: {
    required: LOCK_REQUIRED,
    optional: { tryAcquire: 'tryAcquire(): boolean' },
    capabilities: ['boundedRelease', 'timeouts'],
    smokeOptions: { permits: 2 },
    smoke(s) {
      expect('acquire(0) with 2 permits free', s.acquire!(0), true);
      expect('acquire(0) with 1 permit free', s.acquire!(0), true);
      s.release!();
      s.release!();
    },
  },
  barrier: {
    required: { wait: 'wait(timeoutMs?: number): unknown' },
    optional: { abort: 'abort(): void' },
    capabilities: ['timeouts'],
    smokeOptions: { parties: 1 },
    smoke(b) {
      b.wait!(100);
      b.wait!(100);
    },
  },
  event: {
    required: { set: 'set(): void', clear: 'clear(): void', isSet: 'isSet(): boolean', wait: 'wait(timeoutMs?: number): boolean' },
    optional: {},
    capabilities: ['timeouts'],
    smokeOptions: {},
    smoke(e, timed) {
      expect('isSet() on a new event', e.isSet!(), false);
      if (timed) expect('wait(0) on a clear event', e.wait!(0), false);
      e.set!();
      expect('isSet() after set()', e.isSet!(), true);
      expect('wait(0) after set()', e.wait!(0), true);
      e.clear!();
      expect('isSet() after clear()', e.isSet!(), false);
    },
  },
  condition: {
    required: {
      acquire: 'acquire(timeoutMs?: number): boolean',
      release: 'release(): void',
      wait: 'wait(timeoutMs?: number): boolean',
      notify: 'notify(n?: number): unknown',
    },
    optional: { notifyAll: 'notifyAll(): unknown' },
    capabilities: ['spuriousWakeups', 'timeouts'],
    smokeOptions: {},
    smoke(c, timed) {
      expect('acquire(100) on a free condition', c.acquire!(100), true);
      c.notify!(1);
      if (timed) expect('wait(1) with nobody to notify', c.wait!(1), false);
      c.release!();
    },
  },
  queue: {
    required: { put: 'put(value: number, timeoutMs?: number): boolean', get: 'get(timeoutMs?: number): number | undefined' },
    optional: { close: 'close(): void' },
    capabilities: ['timeouts'],
    smokeOptions: { capacity: 2 },
    smoke(q, timed) {
      expect('put(1, 0) on an empty queue of capacity 2', q.put!(1, 0), true);
      expect('put(2, 0) with one message queued', q.put!(2, 0), true);
      expect('get(0) after put(1), put(2)', q.get!(0), 1);
      expect('get(0) after one get', q.get!(0), 2);
      if (timed) expect('get(0) on an empty queue', q.get!(0), undefined);
    },
  },
};

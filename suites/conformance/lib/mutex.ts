/**
 * The lock and rlock conformance workload (one trial):
 * Phase A, every thread, `iterations` critical sections, acquiring in a
 * style chosen by thread index: t%3 = 0 blocks with acquire() (a lost wakeup
 * hangs and the watchdog reports it), 1 spins on tryAcquire() (or acquire(0):
 * a spinner overlaps every release, which check-then-set races need), 2
 * retries acquire(0 or 1 ms) (timeouts racing releases). Thread 0 holds
 * its first section ~150 us, so others arrive and sleep while it is held and
 * wake during its release. An rlock re-acquires `depth` times inside.
 * Phase B, threads 0 and 1: t0 holds (after depth-1 inner releases for an
 * rlock), t1 probes: tryAcquire/acquire(0) must fail, acquire(3) must fail
 * no sooner than ~3 ms, and release() by t1 must throw and leave it held
 * when the module declares releaseByNonOwnerThrows.
 * A module that declares `timeouts: false` (a lock with only blocking lock/unlock,
 * as many real ones are) gets blocking acquire() calls only: every thread blocks
 * in phase A (or spins on tryAcquire() when there is one), and phase B probes
 * with tryAcquire() alone, if any.
 */
import type { ActorContext, ActorOutcome, InvariantVerdict, SuiteContext } from '../../../harness/suite-api.js';
import type { LockImpl } from '../../../harness/contract/types.js';
import { acquireInStyle, attached, hasTimeouts, implOf, op, timedCall } from './impl.js';
import { awaitAtLeast, errorsOf, signal, spin, patienceMs } from './coord.js';

// Scoreboard slots.
/** Threads inside a critical section now; must be 0 on entry. */
const INSIDE = 0;
/** Entries that found someone inside. */
const OVERLAPS = 1;
/** Incremented by plain read-then-write inside the sections: a lost update shows an overlap. */
const COUNTER = 2;
/** Critical-section increments done (atomically), to compare with COUNTER. */
const INCREMENTS = 3;
/** Threads that finished phase A. */
const FINISHED = 4;
/** Threads whose timed retries ran past the deadline without acquiring. */
const STARVED = 5;
/** Phase B: t0 holds (1) / t1 has probed (1). */
const HELD = 6;
const PROBED = 7;
/** Phase B violations. */
const TRY_WHILE_HELD = 8;
const TIMEOUT_ACQUIRED = 9;
const TIMEOUT_EARLY = 10;
const NONOWNER_NO_THROW = 11;
const NONOWNER_FREED = 12;
/** Phase B could not meet (bounded waits ran out). */
const PHASE_B_MISSED = 13;
/** Phase B: t1 finished phase A and is ready to probe. */
const READY = 14;
export const MUTEX_SLOTS = 15;

export type MutexParams = { impl: string; iterations: number; depth: number };
export interface MutexState {
  handle: unknown;
  board: Int32Array;
}

const PROBE_TIMEOUT_MS = 2;

export function mutexSetup(ctx: SuiteContext<MutexParams>): MutexState {
  return { handle: implOf(ctx).create({}), board: new Int32Array(new SharedArrayBuffer(4 * MUTEX_SLOTS)) };
}

export function mutexActor(s: MutexState, ctx: ActorContext<MutexParams>): null {
  const lock = attached<LockImpl>(ctx, s.handle);
  const b = s.board;
  const depth = ctx.params.depth;
  // The whole trial must end well within the watchdog's timeout: phase A gets a quarter of it.
  const deadline = performance.now() + patienceMs(ctx);
  const timed = hasTimeouts(ctx);
  // Without timeouts: spin on tryAcquire() when there is one, else block like style 0.
  const style = !timed && (ctx.thread % 3 === 2 || lock.tryAcquire === undefined) ? 0 : ctx.thread % 3;
  const take = (): boolean => acquireInStyle(lock, ctx, style, deadline, () => Atomics.add(b, STARVED, 1));
  const section = (): void => {
    if (Atomics.add(b, INSIDE, 1) !== 0) Atomics.add(b, OVERLAPS, 1);
    const v = b[COUNTER]!;
    op('critical section', () => undefined);
    b[COUNTER] = v + 1;
    Atomics.add(b, INCREMENTS, 1);
    Atomics.sub(b, INSIDE, 1);
  };
  for (let i = 0; i < ctx.params.iterations; i++) {
    if (!take()) break;
    section();
    // Reentrancy: the owner takes it again, and after depth-1 releases it must still exclude everyone.
    for (let d = 1; d < depth; d++) op('acquire() again', () => lock.acquire());
    for (let d = 1; d < depth; d++) op('release() inner', () => lock.release());
    if (ctx.thread === 0 && i === 0) spin(150);
    section();
    op('release()', () => lock.release());
  }
  Atomics.add(b, FINISHED, 1);
  if (ctx.threads >= 2 && ctx.thread <= 1) phaseB(lock, b, ctx);
  return null;
}

/**
 * The handshake: t1 says READY (done with phase A), t0 takes the lock and
 * says HELD, t1 probes and says PROBED, t0 releases. Each wait is bounded
 * (an eighth of the trial timeout) and a missed one is reported, never
 * followed by probes of a lock nobody holds.
 */
function phaseB(lock: LockImpl, b: Int32Array, ctx: ActorContext<MutexParams>): void {
  const bounded = patienceMs(ctx);
  const depth = ctx.params.depth;
  if (ctx.thread === 0) {
    if (!awaitAtLeast(b, READY, 1, bounded)) {
      Atomics.add(b, PHASE_B_MISSED, 1);
      return;
    }
    for (let d = 0; d < depth; d++) op('acquire()', () => lock.acquire());
    for (let d = 1; d < depth; d++) op('release() inner', () => lock.release());
    signal(b, HELD);
    if (!awaitAtLeast(b, PROBED, 1, bounded)) Atomics.add(b, PHASE_B_MISSED, 1);
    op('release()', () => lock.release());
    return;
  }
  signal(b, READY);
  if (!awaitAtLeast(b, HELD, 1, bounded)) {
    Atomics.add(b, PHASE_B_MISSED, 1);
    return;
  }
  // A probe that wrongly succeeds is recorded and undone, so the rest of the trial can finish.
  const undo = (): void => op('release() of a wrongly acquired lock', () => lock.release());
  if (lock.tryAcquire && op('tryAcquire() while held', () => lock.tryAcquire!())) {
    Atomics.add(b, TRY_WHILE_HELD, 1);
    undo();
  }
  if (hasTimeouts(ctx)) probeTimeouts(lock, b, undo, (call) => timedCall(ctx, call));
  if (implOf(ctx).capabilities?.releaseByNonOwnerThrows === true) {
    let threw = false;
    try {
      op('release() by non-owner', () => lock.release());
    } catch {
      threw = true;
    }
    if (!threw) Atomics.add(b, NONOWNER_NO_THROW, 1);
    if (lock.tryAcquire ? op('tryAcquire() after non-owner release', () => lock.tryAcquire!()) : hasTimeouts(ctx) && op(timedCall(ctx, 'acquire(0) after non-owner release'), () => lock.acquire(0))) {
      Atomics.add(b, NONOWNER_FREED, 1);
      undo();
    }
  }
  signal(b, PROBED);
}

/** Phase B's timed probes, while t0 holds the lock: acquire(0) and acquire(2) must fail, and not early. */
function probeTimeouts(lock: LockImpl, b: Int32Array, undo: () => void, labelled: (call: string) => string): void {
  if (op(labelled('acquire(0) while held'), () => lock.acquire(0))) {
    Atomics.add(b, TRY_WHILE_HELD, 1);
    undo();
  }
  const t0 = performance.now();
  if (op(labelled('acquire(2) while held'), () => lock.acquire(PROBE_TIMEOUT_MS))) {
    Atomics.add(b, TIMEOUT_ACQUIRED, 1);
    undo();
  }
  // A lower bound only: returning late is allowed (scheduling), returning early is not.
  else if (performance.now() - t0 < PROBE_TIMEOUT_MS * 0.8) Atomics.add(b, TIMEOUT_EARLY, 1);
}

type Results = Array<ActorOutcome<null>>;
type Check = (s: MutexState, r: Results, ctx: SuiteContext<MutexParams>) => InvariantVerdict;

export function mutexInvariants(kind: 'lock' | 'rlock'): Record<string, Check> {
  return {
    'mutual exclusion': (s) => {
      const b = s.board;
      return {
        ok: b[OVERLAPS] === 0 && b[COUNTER] === b[INCREMENTS],
        expected: { overlaps: 0, counter: b[INCREMENTS] },
        observed: { overlaps: b[OVERLAPS], counter: b[COUNTER] },
        details: kind === 'rlock' ? 'two threads inside at once (also after inner releases)' : 'two threads inside at once',
      };
    },
    'progress under contention (no lost wakeup)': (s, _r, ctx) => ({
      ok: s.board[FINISHED] === ctx.threads && s.board[STARVED] === 0,
      expected: { finished: ctx.threads, starved: 0 },
      observed: { finished: s.board[FINISHED], starved: s.board[STARVED] },
      details: 'threads retrying with timeouts never got the lock (a blocked acquire() shows as a hang instead)',
    }),
    [kind === 'rlock' ? 'reentrancy depth, tryAcquire and timeout semantics' : 'tryAcquire and timeout semantics']: (s) => {
      const b = s.board;
      const bad = { triedWhileHeld: b[TRY_WHILE_HELD], acquiredOnTimeout: b[TIMEOUT_ACQUIRED], timedOutEarly: b[TIMEOUT_EARLY], phaseMissed: b[PHASE_B_MISSED] };
      return {
        ok: Object.values(bad).every((v) => v === 0),
        expected: 'all 0',
        observed: bad,
        details: 'probes while another thread holds the lock (a lock whose acquire() ignores its timeout declares capabilities: { timeouts: false })',
      };
    },
    [kind === 'rlock' ? 'owner-only release' : 'release by non-owner throws']: (s, _r, ctx) => {
      if (implOf(ctx).capabilities?.releaseByNonOwnerThrows !== true) return true;
      const bad = { noThrow: s.board[NONOWNER_NO_THROW], freedByNonOwner: s.board[NONOWNER_FREED] };
      return { ok: bad.noThrow === 0 && bad.freedByNonOwner === 0, expected: 'all 0', observed: bad, details: 'declared releaseByNonOwnerThrows' };
    },
    'no unexpected error': (_s, r) => {
      const errs = errorsOf(r);
      return errs.length === 0 ? true : errs.join('; ');
    },
  };
}

/**
 * deadlock: threads take two locks. Correct: every thread takes A then B.
 * Canary "opposite-order": even threads take A then B, odd threads B then A;
 * when each holds its first lock, the cycle closes. The primitives' wait-for
 * detection throws a DeadlockError naming the cycle (with detection off, the
 * watchdog reports a hang with the same wait-for table). Canary
 * "reacquire-lock": recursive code re-acquires a non-reentrant Lock; the
 * correct "rlock-recursion" uses an RLock.
 */
import { Lock, RLock, yieldPoint } from '@shakedown/primitives';
import type { ActorOutcome } from '../harness/suite-api.js';
import { defineSuite } from '../harness/suite-api.js';

type P = { depth: number };

export interface State {
  a: Lock;
  b: Lock;
  r: RLock;
  /** Critical sections completed. */
  done: Int32Array;
}

function deadlockErrors(results: Array<ActorOutcome<null>>): string[] {
  const out: string[] = [];
  for (const r of results) {
    if (!r.ok && r.error.code === 'ERR_DEADLOCK') {
      out.push(r.error.cycle?.map((e) => `${e.thread} waits for ${e.waitsFor} held by ${e.heldBy}`).join('; ') ?? r.error.message);
    }
  }
  return out;
}

export default defineSuite<State, P, null>({
  name: 'deadlock',
  description: 'threads take two locks; invariant: no deadlock (a cycle is reported with who holds and who waits)',
  params: { depth: 2 },
  threads: [2, 4],
  variants: {
    ordered: { description: 'every thread takes A, then B' },
    'opposite-order': {
      description: 'even threads take A then B, odd threads B then A',
      canary: true,
      bug: 'lock-order inversion: t0 holds A and waits for B while t1 holds B and waits for A',
    },
    'rlock-recursion': { description: 'recursive code holding an RLock at several depths' },
    'reacquire-lock': {
      description: 'recursive code re-acquiring a non-reentrant Lock',
      canary: true,
      bug: 'self-deadlock: the owner of a non-reentrant Lock acquires it again',
      threads: [2],
    },
  },
  setup(ctx) {
    return {
      a: new Lock({ name: 'A', at: ctx.alloc(Lock.byteLength) }),
      b: new Lock({ name: 'B', at: ctx.alloc(Lock.byteLength) }),
      r: new RLock({ name: 'R', at: ctx.alloc(RLock.byteLength) }),
      done: ctx.int32(1),
    };
  },
  actor(s, ctx) {
    const a = Lock.from(s.a);
    const b = Lock.from(s.b);
    if (ctx.variant === 'ordered' || ctx.variant === 'opposite-order') {
      const swap = ctx.variant === 'opposite-order' && ctx.thread % 2 === 1;
      const [first, second] = swap ? [b, a] : [a, b];
      first.withLock(() => {
        yieldPoint('user', 'between the two locks');
        second.withLock(() => {
          Atomics.add(s.done, 0, 1);
        });
      });
      return null;
    }
    const lock = ctx.variant === 'rlock-recursion' ? RLock.from(s.r) : a;
    const recurse = (depth: number): void => {
      lock.acquire();
      try {
        if (depth > 1) recurse(depth - 1);
        else Atomics.add(s.done, 0, 1);
      } finally {
        lock.release();
      }
    };
    recurse(ctx.params.depth);
    return null;
  },
  // A DeadlockError is this suite's finding, not a harness error.
  actorErrorsAreFailures: true,
  invariants: {
    'no deadlock': (_s, results) => {
      const cycles = deadlockErrors(results);
      return cycles.length === 0 ? true : `deadlock: ${cycles.join(' | ')}`;
    },
    'no other error': (_s, results) => {
      const other = results.filter((r) => !r.ok && r.error.code !== 'ERR_DEADLOCK');
      return other.length === 0 ? true : other.map((r) => (r.ok ? '' : `${r.error.name}: ${r.error.message}`)).join('; ');
    },
    'every critical section ran': (s, results, ctx) => {
      if (results.some((r) => !r.ok)) return true; // judged by the two invariants above
      return { ok: s.done[0] === ctx.threads, expected: ctx.threads, observed: s.done[0] };
    },
  },
});

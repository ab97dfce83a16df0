import { Lock } from '@shakedown/primitives';
import { STOP, awaitGate, stopRequested } from '../../lib/control.js';
import { futexLock, futexUnlock, spinLock, spinUnlock, tokenFutexLock, tokenFutexUnlock } from '../../lib/raw-locks.js';
import { think } from '../../lib/think.js';
import type { ContendedResult, ContendedSpec } from './spec.js';

/** Operations between looks at the stop word: a clock-free way to bound the run that costs one load per batch. */
const BATCH = 256;
/** Uncontended operations on a private instance first, so the timed loop starts in optimised code. */
const WARMUP_OPS = 50_000;

type Loop = (batch: number) => number;

/**
 * The critical section: the counter increment, plus noting when the lock
 * changed hands. Handoffs tell the two regimes of a contended lock apart: one
 * thread re-taking it thousands of times in a row while the others sleep
 * (fast, near single-thread speed) versus threads alternating (each handoff
 * moves cache lines between cores and often costs a futex wake-up).
 */
class CriticalSection {
  handoffs = 0;
  /** What think() returned, kept so that the think time cannot be optimised away. */
  sink = 0;
  constructor(
    readonly counter: Int32Array,
    readonly id: number,
    readonly thinkSteps: number,
  ) {}
  /** Outside the lock, after each release: the same steps for every variant of a row. */
  thinkAfter(i: number): void {
    if (this.thinkSteps > 0) this.sink ^= think(this.thinkSteps, i);
  }
  enter(): void {
    const c = this.counter;
    c[0]!++;
    if (c[1] !== this.id) {
      c[1] = this.id;
      this.handoffs++;
    }
  }
}

function lockLoop(lock: Lock, cs: CriticalSection, timeoutMs: number): Loop {
  return (batch) => {
    for (let i = 0; i < batch; i++) {
      if (!lock.acquire(timeoutMs)) throw new Error(`Lock not acquired within ${timeoutMs} ms`);
      cs.enter();
      lock.release();
      cs.thinkAfter(i);
    }
    return batch;
  };
}

function futexLoop(word: Int32Array, cs: CriticalSection, timeoutMs: number): Loop {
  const deadline = performance.now() + timeoutMs;
  return (batch) => {
    for (let i = 0; i < batch; i++) {
      futexLock(word, deadline);
      cs.enter();
      futexUnlock(word);
      cs.thinkAfter(i);
    }
    return batch;
  };
}

function tokenFutexLoop(word: Int32Array, cs: CriticalSection, token: number, timeoutMs: number): Loop {
  const deadline = performance.now() + timeoutMs;
  return (batch) => {
    for (let i = 0; i < batch; i++) {
      tokenFutexLock(word, token, deadline);
      cs.enter();
      tokenFutexUnlock(word, token);
      cs.thinkAfter(i);
    }
    return batch;
  };
}

function spinLoop(word: Int32Array, cs: CriticalSection, ctl: Int32Array): Loop {
  return (batch) => {
    for (let i = 0; i < batch; i++) {
      // Gave up spinning because the run is over: count only completed operations.
      if (!spinLock(word, ctl, STOP)) return i;
      cs.enter();
      spinUnlock(word);
      cs.thinkAfter(i);
    }
    return batch;
  };
}

function makeLoop(spec: ContendedSpec, lock: Lock, word: Int32Array, cs: CriticalSection): Loop {
  switch (spec.kind) {
    case 'lock':
      return lockLoop(lock, cs, spec.timeoutMs);
    case 'futex':
      return tokenFutexLoop(word, cs, spec.workerId, spec.timeoutMs);
    case 'mutex2':
      return futexLoop(word, cs, spec.timeoutMs);
    case 'spin':
      return spinLoop(word, cs, spec.control);
  }
}

/** Warms up, then returns the timed run (which starts at the gate). */
export function prepareContended(spec: ContendedSpec): () => ContendedResult {
  const scratch = new Int32Array(new SharedArrayBuffer(128));
  const warm = makeLoop(spec, new Lock({ name: 'warm-up' }), scratch.subarray(0, 1), new CriticalSection(scratch.subarray(16, 18), spec.workerId, spec.thinkSteps));
  for (let done = 0; done < WARMUP_OPS; ) done += warm(BATCH);

  const cs = new CriticalSection(spec.counter, spec.workerId, spec.thinkSteps);
  const loop = makeLoop(spec, Lock.from(spec.lock), spec.word, cs);
  return () => {
    awaitGate(spec.control, spec.timeoutMs);
    const t0 = performance.now();
    let ops = 0;
    while (!stopRequested(spec.control)) ops += loop(BATCH);
    // sink & 0: always 0, but read, so the think loop's result is used.
    return { ops: ops + (cs.sink & 0), handoffs: cs.handoffs, elapsedMs: performance.now() - t0 };
  };
}

import { Lock, RLock, Semaphore, setDeadlockDetection } from '@shakedown/primitives';
import { awaitGate } from '../../lib/control.js';
import { rawTryLock, rawUnlock } from '../../lib/raw-locks.js';
import { median } from '../../lib/stats.js';
import type { UncontendedResult, UncontendedSpec, UncontendedVariant } from './spec.js';

/** Never reached uncontended; present because every wait in the bench is bounded. */
const TIMEOUT_MS = 1000;

// One loop function per primitive keeps each call site monomorphic, as it
// would be in user code; a shared loop over a union would measure V8's
// polymorphic dispatch instead of the lock.
function rawLoop(i32: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    if (!rawTryLock(i32)) throw new Error('raw lock unexpectedly held');
    rawUnlock(i32);
  }
}

function lockLoop(lock: Lock, n: number): void {
  for (let i = 0; i < n; i++) {
    if (!lock.acquire(TIMEOUT_MS)) throw new Error('Lock acquire timed out uncontended');
    lock.release();
  }
}

function rlockLoop(lock: RLock, n: number): void {
  for (let i = 0; i < n; i++) {
    if (!lock.acquire(TIMEOUT_MS)) throw new Error('RLock acquire timed out uncontended');
    lock.release();
  }
}

function semaphoreLoop(sem: Semaphore, n: number): void {
  for (let i = 0; i < n; i++) {
    if (!sem.acquire(TIMEOUT_MS)) throw new Error('Semaphore acquire timed out uncontended');
    sem.release();
  }
}

function nsPerOp(run: () => void, n: number): number {
  const t0 = performance.now();
  run();
  return ((performance.now() - t0) * 1e6) / n;
}

/** Single-threaded, so the gate only keeps the protocol the same as the other tasks'. */
export function prepareUncontended(spec: UncontendedSpec): () => UncontendedResult {
  return () => {
    awaitGate(spec.control, TIMEOUT_MS * 10);
    return measure(spec);
  };
}

function measure(spec: UncontendedSpec): UncontendedResult {
  const i32 = new Int32Array(new SharedArrayBuffer(64));
  const lock = new Lock({ name: 'bench-lock' });
  const rlock = new RLock({ name: 'bench-rlock' });
  const sem = new Semaphore(1, { name: 'bench-semaphore' });
  const n = spec.iterations;
  const variants: Record<UncontendedVariant, () => void> = {
    raw: () => rawLoop(i32, n),
    lock: () => {
      setDeadlockDetection(true);
      lockLoop(lock, n);
    },
    lockNoDetect: () => {
      setDeadlockDetection(false);
      lockLoop(lock, n);
      setDeadlockDetection(true);
    },
    rlock: () => rlockLoop(rlock, n),
    semaphore: () => semaphoreLoop(sem, n),
  };
  const names = Object.keys(variants) as UncontendedVariant[];
  // Warm-up: let every loop reach optimised code before anything is timed.
  for (const v of names) variants[v]();
  const samples = Object.fromEntries(names.map((v) => [v, [] as number[]])) as Record<UncontendedVariant, number[]>;
  for (let r = 0; r < spec.rounds; r++) {
    // Rotate the order each round so a burst of background load does not always land on the same variant.
    for (let k = 0; k < names.length; k++) {
      const v = names[(k + r) % names.length]!;
      samples[v].push(nsPerOp(variants[v], n));
    }
  }
  return Object.fromEntries(names.map((v) => [v, median(samples[v])])) as UncontendedResult;
}

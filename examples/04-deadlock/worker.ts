import { workerData } from 'node:worker_threads';
import { Barrier, DeadlockError, Lock, RLock, createLogger } from '@shakedown/primitives';

const log = createLogger();
const w = workerData as { scenario: 'opposite' | 'ordered' | 'recursive-lock' | 'recursive-rlock'; first?: Lock; second?: Lock; both?: Barrier; lock?: Lock; rlock?: RLock };

function report(err: unknown): void {
  if (!(err instanceof DeadlockError)) throw err;
  log(`DeadlockError: ${err.message}`);
}

if (w.scenario === 'opposite' || w.scenario === 'ordered') {
  const first = Lock.from(w.first);
  const second = Lock.from(w.second);
  for (let i = 0; i < (w.scenario === 'ordered' ? 10_000 : 1); i++) {
    try {
      first.withLock(() => {
        // Opposite order: make sure both threads hold their first lock before either asks for its second.
        if (w.both !== undefined) Barrier.from(w.both).wait(5000);
        second.withLock(() => undefined, 5000);
      }, 5000);
    } catch (err) {
      report(err);
    }
  }
  log(`finished (${w.scenario})`);
} else {
  // Recursive code: the function re-enters while holding the lock.
  const lock = w.scenario === 'recursive-lock' ? Lock.from(w.lock) : RLock.from(w.rlock);
  const visit = (depth: number): number => {
    lock.acquire(5000);
    try {
      return depth === 0 ? 1 : 1 + visit(depth - 1);
    } finally {
      lock.release();
    }
  };
  try {
    log(`${w.scenario}: visited ${visit(3)} levels`);
  } catch (err) {
    report(err);
  }
}

import { workerData } from 'node:worker_threads';
import { Barrier, Lock } from '@shakedown/primitives';

const { counter, lock, start, locked, increments } = workerData as { counter: Int32Array; lock: Lock; start: Barrier; locked: boolean; increments: number };
const l = Lock.from(lock);
// Start together: a thread takes ~25 ms to start, longer than the whole loop, so
// without this the second thread would usually begin after the first had finished.
Barrier.from(start).wait(5000);
for (let i = 0; i < increments; i++) {
  if (locked) {
    l.acquire();
    counter[0] = counter[0]! + 1; // read, add, write: safe only because nobody else is inside
    l.release();
  } else {
    counter[0] = counter[0]! + 1; // the same three steps, interleaved with the other thread's
  }
}

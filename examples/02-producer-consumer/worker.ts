import { workerData } from 'node:worker_threads';
import { AtomicInt, Event, Queue, createLogger } from '@shakedown/primitives';

const log = createLogger();
const { role, queue, stop, produced } = workerData as { role: 'producer' | 'consumer'; queue: Queue<number>; stop: Event; produced: AtomicInt };
const q = Queue.from<number>(queue);

if (role === 'producer') {
  // Produce until told to stop. put() has a timeout so a stalled consumer side cannot hang us.
  const stopEvent = Event.from(stop);
  let n = 0;
  while (!stopEvent.isSet()) {
    q.put(n++, 1000);
    AtomicInt.from(produced).increment();
  }
  log(`stop seen, produced ${n}`);
} else {
  // Iterating a Queue takes items until it is closed AND empty: nothing is lost,
  // and a consumer asleep on the empty queue is woken by close().
  let n = 0;
  for (const _item of q) n++;
  log(`queue closed and drained, consumed ${n}`);
}

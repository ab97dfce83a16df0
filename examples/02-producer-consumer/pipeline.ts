/**
 * The producer and the consumer of main.ts's second part, as a ThreadPoolExecutor runs them:
 * exported functions that get the shared Queue and Event as arguments (Python's
 * `executor.submit(producer, pipeline, event)`) and return what they did.
 */
import { AtomicInt, Event, Queue, createLogger } from '@shakedown/primitives';

const log = createLogger();

/** Puts numbered messages until the event is set, counting them in `sent`; returns how many it put. */
export function producer(queue: Queue<number>, event: Event, sent: AtomicInt): number {
  const q = Queue.from<number>(queue);
  const stop = Event.from(event);
  const count = AtomicInt.from(sent);
  let n = 0;
  // put() has a timeout so that a consumer side that died cannot hang the producer.
  while (!stop.isSet()) {
    q.put(n++, 1000);
    count.increment();
  }
  log(`producer received the event, put ${n}`);
  return n;
}

/** Takes messages until the queue is closed and drained (not until the event: that is the race); returns how many. */
export function consumer(queue: Queue<number>): number {
  let n = 0;
  for (const _message of Queue.from<number>(queue)) n++;
  log(`consumer found the queue closed and drained, took ${n}`);
  return n;
}

/**
 * producer-consumer: half the threads put numbered messages on a bounded
 * Queue, half take them; the run stops when the producers are done.
 * Canary "stop-event-race": consumers loop `while (!stop.isSet()) queue.get()`
 * with no timeout; after the last message is taken and stop is set, a
 * consumer that checked stop just before is blocked forever on an empty queue.
 */
import { AtomicInt, Event, Queue, QueueClosedError, QueueEmptyError } from '@shakedown/primitives';
import { defineSuite } from '../harness/suite-api.js';

type P = { messages: number; capacity: number };

interface State {
  queue: Queue<number>;
  stop: Event;
  /** Producers that have finished putting. */
  producersDone: AtomicInt;
  /** received[p * messages + seq]: times that message was consumed. */
  received: Int32Array;
  /** FIFO-per-producer violations seen by consumers. */
  fifoViolations: AtomicInt;
  /** Consumers that returned. */
  exited: AtomicInt;
}

const producersOf = (threads: number): number => Math.max(1, threads >> 1);

export default defineSuite<State, P, null>({
  name: 'producer-consumer',
  description: 'producers and consumers over a bounded Queue, stopped cleanly; every message consumed exactly once',
  params: { messages: 8, capacity: 2 },
  threads: [2, 4],
  // One thread would be a producer with no consumer: every trial would fill the queue and fail.
  minThreads: 2,
  variants: {
    close: { description: 'producers done -> queue.close(); consumers drain with for..of' },
    'stop-event-drain': { description: 'stop Event; consumers poll get(timeout) and exit when stopped and empty' },
    'stop-event-race': {
      description: 'stop Event checked before a blocking get() with no timeout',
      canary: true,
      bug: 'stop/drain race: a consumer checks stop, the queue drains and stop is set, then it blocks forever on the empty queue',
    },
  },
  threadName: (t, ctx) => (t < producersOf(ctx.threads) ? `producer-${t}` : `consumer-${t - producersOf(ctx.threads)}`),
  setup(ctx) {
    const producers = producersOf(ctx.threads);
    // Every primitive in the harness's per-batch arena (ctx.alloc), each on its own cache lines.
    return {
      queue: new Queue<number>(ctx.params.capacity, { name: 'queue', maxMessageBytes: 8, at: ctx.alloc(Queue.byteLengthFor(ctx.params.capacity, 8)) }),
      stop: new Event({ name: 'stop', at: ctx.alloc(Event.byteLength) }),
      producersDone: new AtomicInt(0, { name: 'producersDone', at: ctx.alloc(AtomicInt.byteLength) }),
      received: ctx.int32(producers * ctx.params.messages),
      fifoViolations: new AtomicInt(0, { name: 'fifoViolations', at: ctx.alloc(AtomicInt.byteLength) }),
      exited: new AtomicInt(0, { name: 'exited', at: ctx.alloc(AtomicInt.byteLength) }),
    };
  },
  actor(s, ctx) {
    const producers = producersOf(ctx.threads);
    const queue = Queue.from<number>(s.queue);
    const stop = Event.from(s.stop);
    const m = ctx.params.messages;
    // Blocking calls that are not the point of the test carry a timeout below the harness's.
    const bounded = Math.max(1, ctx.timeoutMs / 2);
    if (ctx.thread < producers) {
      for (let seq = 0; seq < m; seq++) queue.put(ctx.thread * m + seq, bounded);
      if (AtomicInt.from(s.producersDone).increment() === producers) {
        if (ctx.variant === 'close') queue.close();
        else stop.set();
      }
      return null;
    }
    const lastSeq = new Array<number>(producers).fill(-1);
    const take = (v: number): void => {
      Atomics.add(s.received, v, 1);
      const p = Math.floor(v / m);
      const seq = v % m;
      if (seq <= lastSeq[p]!) AtomicInt.from(s.fifoViolations).increment();
      lastSeq[p] = seq;
    };
    if (ctx.variant === 'close') {
      for (const v of queue) take(v);
    } else if (ctx.variant === 'stop-event-drain') {
      while (true) {
        try {
          take(queue.get(1));
        } catch (err) {
          if (!(err instanceof QueueEmptyError)) throw err;
          // Producers set stop only after their last put, so stopped + empty means drained.
          if (stop.isSet() && queue.empty()) break;
        }
      }
    } else {
      while (!stop.isSet()) {
        try {
          take(queue.get()); // BUG: no timeout, and stop may be set while we sleep here
        } catch (err) {
          if (!(err instanceof QueueClosedError)) throw err;
        }
      }
    }
    AtomicInt.from(s.exited).increment();
    return null;
  },
  invariants: {
    'every message consumed exactly once': (s) => {
      const bad: string[] = [];
      s.received.forEach((n, v) => {
        if (n !== 1 && bad.length < 5) bad.push(`message ${v} consumed ${n} times`);
      });
      return bad.length === 0 ? true : bad.join('; ');
    },
    'FIFO per producer': (s) => ({ ok: s.fifoViolations.get() === 0, expected: 0, observed: s.fifoViolations.get(), details: 'out-of-order messages from one producer' }),
    'capacity never exceeded': (s, _r, ctx) => ({ ok: s.queue.highWater() <= ctx.params.capacity, expected: `<= ${ctx.params.capacity}`, observed: s.queue.highWater() }),
    'every consumer exits': (s, _r, ctx) => {
      const consumers = ctx.threads - producersOf(ctx.threads);
      return { ok: s.exited.get() === consumers, expected: consumers, observed: s.exited.get() };
    },
  },
});

/**
 * 02: producers and consumers over a bounded Queue, stopped by an Event and
 * shut down cleanly: stop the producers, wait for them, close the queue, and
 * let the consumers drain it. The same pipeline again, submitted to a
 * ThreadPoolExecutor as Python's concurrent.futures example does. Then the
 * harness shows the classic shutdown race.
 */
import { AtomicInt, Event, Queue, createLogger, startThread } from '@shakedown/primitives';
import { ThreadPoolExecutor } from 'shakedown';
import { expect, find, firstFailure, joinAll, stress } from '../lib/report.js';

const log = createLogger();
const queue = new Queue<number>(16, { name: 'jobs', maxMessageBytes: 8 });
const stop = new Event({ name: 'stop' });
const produced = new AtomicInt(0, { name: 'produced' });
const worker = new URL('./worker.js', import.meta.url);
const producers = [0, 1].map((i) => startThread(worker, { name: `producer-${i}`, workerData: { role: 'producer', queue, stop, produced } }));
const consumers = [0, 1].map((i) => startThread(worker, { name: `consumer-${i}`, workerData: { role: 'consumer', queue, stop, produced } }));

// Let the pipeline run a while (threads take tens of ms to start): until 20,000 items went through, at most 5 s.
const deadline = Date.now() + 5000;
while (produced.get() < 20_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
log('setting stop');
stop.set();
await joinAll(producers, 5000); // 1. producers see stop and return
log(`producers done; closing the queue with ${queue.size()} items left`);
queue.close(); // 2. no more puts; consumers drain what is left, then their loops end
const codes = await joinAll(consumers, 5000); // 3. every consumer exits on its own
log(`consumers done; exit codes ${codes.join(', ')}; queue empty: ${queue.empty()}; ${produced.get()} produced`);
expect(queue.empty() && codes.every((c) => c === 0), 'clean shutdown: queue drained, consumers exited');

console.log('\nThe same pipeline submitted to a ThreadPoolExecutor (a producer and a consumer):');
const pipeline = new Queue<number>(10, { name: 'pipeline', maxMessageBytes: 8 });
const event = new Event({ name: 'event' });
const sent = new AtomicInt(0, { name: 'sent' });
const PIPELINE = new URL('./pipeline.js', import.meta.url);
let put: number;
let taken: number;
{
  await using executor = new ThreadPoolExecutor({ maxWorkers: 2, threadNamePrefix: 'pool' });
  const producing = executor.submit<number>({ module: PIPELINE, target: 'producer' }, pipeline, event, sent);
  const consuming = executor.submit<number>({ module: PIPELINE, target: 'consumer' }, pipeline);
  // Let it run a while (the pool's threads take tens of ms to start): until 5,000 messages went through, at most 5 s.
  const until = Date.now() + 5000;
  while (sent.get() < 5000 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
  log('about to set the event');
  event.set();
  put = await producing.result(5000);
  log('producer done; closing the queue');
  pipeline.close();
  taken = await consuming.result(5000);
}
log(`executor shut down: ${put} put, ${taken} taken`);
expect(put > 0 && put === taken, 'every message put was taken, and both futures finished');

console.log('\nThe stress harness on the built-in producer-consumer suite (stop-event-race is the bug fixed above):');
const summary = await stress({ suites: ['producer-consumer'], grep: '/(close|stop-event-race)/', threads: [2, 4], jitter: ['none'], timeBudgetMs: 4000, timeoutMs: 1000 });
// The race's signature is the hang (a consumer asleep on the empty queue after the stop): show one.
const caught = find(summary, 'stop-event-race').filter((r) => r.canaryVerdict === 'caught');
const race = caught.find((r) => r.hangs.count > 0) ?? caught[0];
const hang = race?.invariants.find((i) => i.name === 'no hang')?.samples[0];
if (race !== undefined) console.log(hang !== undefined ? `    ${race.config.key}, trial ${hang.trial}: ${hang.details}` : firstFailure(race).join('\n'));
expect(find(summary, 'close').every((r) => r.status === 'pass'), 'close() shutdown passes');
expect(race !== undefined, 'the stop-event race is caught');

/**
 * The canaries of the core suites are caught, each with the symptom of its
 * planted bug. (counter/unlocked and deadlock/opposite-order are in
 * run.test.ts.) Budgets are trial caps sized from per-trial detection rates
 * measured on our loaded 2-core machine: with rate p (the lowest seen,
 * halved), n >= ln(1e6) / p ~= 13.8 / p trials make a miss a one-in-a-million
 * event. Caps are set well above n (detection can be bursty under load) and
 * the runs stop early, so a cap costs nothing once the canary is caught.
 */
import assert from 'node:assert/strict';
import { run } from '../../harness/core/run.js';
import type { ConfigResult, RunSummary } from '../../harness/core/grade/results.js';
import { MAX_RECOVERIES } from '../../harness/core/execute/executor.js';
import { Event, startThread, waitForTable } from '@shakedown/primitives';
import { waitUntil } from '../helpers/workers.js';

async function runAll(options: Parameters<typeof run>[0]): Promise<RunSummary> {
  for await (const e of run(options)) if (e.type === 'run-end') return e.summary;
  throw new Error('run ended without a summary');
}

function only(summary: RunSummary, key: string): ConfigResult {
  assert.deepEqual(summary.configs.map((c) => c.config.key), [key]);
  return summary.configs[0]!;
}

describe('core suites: canaries are caught', function () {
  this.timeout(120_000);

  it('producer-consumer/stop-event-race: reports the consumer blocked on the empty queue after the stop as a hang, and the run goes on', async () => {
    // Detected as a hang: each costs the 1 s timeout plus a new worker group, and the configuration stops
    // by itself after MAX_RECOVERIES (3) hangs. No maxFailures: the first failing trial may show the
    // variant's other symptom (a consumer that sees stop early leaves messages unconsumed), and this
    // test is about the hang.
    // Measured hangs per trial index (hangs / (index of the last hang + 1)) at 2 threads, no jitter, 1 s
    // timeout, load average 7-12: pooled 57 in 81 over 19 runs; the lowest runs 3 in 7 (0.43).
    // p = 0.43 / 2 = 0.21 -> n >= 13.8 / 0.21 = 66 trials for one hang; cap 1,000.
    // A bystander in this process, asleep on an Event under the very name of the trial's consumer: the
    // wait-for table is process-wide, and the hang report must keep to the trial's own threads.
    const wake = new Event({ name: 'bystander-wake' });
    const bystander = startThread(new URL('../primitives/fixtures/event-worker.js', import.meta.url), {
      name: 'consumer-0',
      workerData: { scenario: 'waitOnce', event: wake, timeoutMs: 60_000 },
    });
    let s: RunSummary;
    try {
      await waitUntil(() => waitForTable().some((w) => w.waitsFor.startsWith('bystander-wake')), 10_000, 'the bystander to sleep on its event');
      s = await runAll({ suites: ['producer-consumer'], grep: 'stop-event-race/t2/c-all/j-none$', runs: 1000, timeoutMs: 1000, seed: 'drain-race', traceEvents: 256 });
    } finally {
      wake.set();
      await bystander.terminate();
    }
    const r = only(s, 'producer-consumer/stop-event-race/t2/c-all/j-none');
    assert.equal(r.canaryVerdict, 'caught');
    assert.equal(r.status, 'hang');
    assert.ok(r.hangs.count >= 1);
    // One more at most: the trials that finished before the last hang in its batch run again (their
    // results died with the workers, batch-loop.ts #owed), and this canary's rerun can hang too, which
    // stops the configuration at once. Seen once under two CPU hogs: 4 hangs.
    assert.ok(r.hangs.count <= MAX_RECOVERIES + 1, `the configuration stops after MAX_RECOVERIES hangs (or one owed rerun more): ${r.hangs.count}`);
    const hang = r.hangs.samples[0]!;
    // progress: the trial each thread had reached; the consumer (thread 1) is stuck in the hung trial.
    assert.equal(hang.progress[1], hang.trial, `consumer progress ${JSON.stringify(hang.progress)}, hung trial ${hang.trial}`);
    // The wait-for state names the consumer waiting on the queue ("queue (queue: not empty)"), held by nobody.
    assert.deepEqual(hang.waitFor.map((w) => w.thread), ['consumer-0'], JSON.stringify(hang.waitFor));
    assert.match(hang.waitFor[0]!.waitsFor, /^queue \(queue: not empty\)$/, 'the trial\'s consumer, not the bystander of the same name');
    const details = r.invariants.find((i) => i.name === 'no hang')!.samples[0]!.details;
    assert.match(details, /^trial did not finish within 1000 ms; blocked: consumer-0 waits for queue \(queue: not empty\)/);
    // The hung trial's trace (kept whole: 256 events per thread is far above the ~3 per message here):
    // the consumer's last queue operation is a get() that never returned.
    const consumer = hang.trace.filter((e) => e.threadName === 'consumer-0' && e.op.startsWith('queue.'));
    assert.equal(consumer.at(-1)?.op, 'queue.get', JSON.stringify(consumer.map((e) => e.op)));
    assert.ok(hang.trace.some((e) => e.threadName === 'producer-0' && e.op === 'queue.put'), 'the producer put its messages');
    assert.ok(hang.replay.length > 0, 'a replay token for the hung trial');
    assert.equal(s.exitCode, 0, 'a caught canary is a pass');
  });

  it('barrier-start/early-release: a thread passes before all have arrived; the action still runs once per generation', async () => {
    // Measured per-trial rate at 2 threads, no jitter: 0.485-0.58 over 6 runs of 2,000 trials (spin-1us 0.51-0.64;
    // 4 threads 0.99); 40 of 40 fresh runs caught it in trial 0.
    // p = 0.485 / 2 = 0.24 -> n >= 13.8 / 0.24 = 57 trials; cap 2,000, stopping at the first detection.
    const s = await runAll({ suites: ['barrier-start'], grep: 'early-release/t2/c-all/j-none$', runs: 2000, maxFailures: 1, seed: 'early' });
    const r = only(s, 'barrier-start/early-release/t2/c-all/j-none');
    assert.equal(r.canaryVerdict, 'caught');
    assert.equal(r.stoppedAtFailures, 1);
    const early = r.invariants.find((i) => i.name === 'no thread passes before all have arrived')!;
    assert.ok(early.failures >= 1);
    assert.equal(early.samples[0]!.expected, 0);
    assert.ok((early.samples[0]!.observed as number) > 0, `observed ${String(early.samples[0]!.observed)}`);
    // The planted bug is the early release only: the action runs once per generation in every trial.
    assert.equal(r.invariants.find((i) => i.name === 'one action per generation')!.failures, 0);
    assert.equal(r.hangs.count, 0);
    assert.equal(r.errors.count, 0);
    assert.equal(s.exitCode, 0, 'a caught canary is a pass');
  });

  it('deadlock/reacquire-lock: the owner re-acquiring a non-reentrant Lock is reported as a self-deadlock naming the lock', async () => {
    // Measured per-trial rate at 2 threads: 1.0 (14,000 of 14,000 trials over 7 runs, no jitter and spin-1us):
    // the Lock detects its owner re-acquiring it. p = 1.0 / 2 = 0.5 -> n >= 13.8 / 0.5 = 28 trials; cap 500.
    const s = await runAll({ suites: ['deadlock'], grep: 'reacquire-lock/t2/c-all/j-none$', runs: 500, maxFailures: 1, seed: 'self' });
    const r = only(s, 'deadlock/reacquire-lock/t2/c-all/j-none');
    assert.equal(r.canaryVerdict, 'caught');
    const inv = r.invariants.find((i) => i.name === 'no deadlock')!;
    assert.ok(inv.failures >= 1);
    // The cycle is the thread and itself: "t0 waits for A held by t0".
    assert.match(inv.samples[0]!.details, /^deadlock: (t[01]) waits for A held by \1\b/);
    assert.equal(r.invariants.find((i) => i.name === 'no other error')!.failures, 0, 'a DeadlockError, nothing else');
    assert.equal(r.hangs.count, 0, 'detected at once, not by the watchdog');
    assert.equal(s.exitCode, 0, 'a caught canary is a pass');
  });
});

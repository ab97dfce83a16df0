/**
 * Runs in a pooled worker: one thread's part of a batch of trials. Per trial:
 * mark progress, meet the others at the start gate, run the actor with the
 * yield hook doing this trial's seeded jitter and trace, record the outcome.
 * The next trial's gate is also the end of this one.
 */
import { getEnvironmentData, threadId } from 'node:worker_threads';
import { forgetHeldLocks, setThreadName, setYieldHook } from '@shakedown/primitives';
import { GateCancelled, StartGate, cutGate } from '../gate.js';
import { delay } from '../jitter.js';
import { threadRng, trialRng } from '../../shared/rng.js';
import { TraceWriter } from '../trace.js';
import { type AnySuite, loadSuite } from '../../plan/load-suite.js';
import { serializeError } from '../../shared/errors.js';
import type { BatchReply, BatchTask } from './task.js';
import { Phase, beatWord, gradingWord, idWord, phaseWord, sleepingWord, trialWord } from './progress-words.js';
import { WaitRecorder } from './wait-recorder.js';
import { pinThisThread } from './pin-thread.js';
import { InWorkerTrials, SETUP_FAILED } from './in-worker-trials.js';
import { ringSlot } from '../in-worker-ring.js';
import { guardParentPort, rememberGlobals, restoreGlobals } from './actor-guard.js';
// Imported before rememberGlobals() runs: interpose.ts captures the real Atomics, clock and random at load.
import { ScheduleModel, type ThreadTrialReport } from './sched/model.js';
import { BufferIds } from './sched/buffer-ids.js';

// The reference copy of the globals this loop runs on, taken before any actor can touch them.
rememberGlobals();

/** Where @shakedown/primitives publishes its thread registry (registry.ts ENV_KEY): internal to every controlled trial. */
const PRIMITIVES_REGISTRY_KEY = 'shakedown.primitives.registry.v1';

/** The model for a controlled batch, with the harness's own buffers marked internal (pass-through, no point). */
function modelFor(task: BatchTask): ScheduleModel | null {
  const s = task.schedule;
  if (s === undefined) return null;
  const registry = getEnvironmentData(PRIMITIVES_REGISTRY_KEY);
  const internal = [s.control, task.gate, task.progress, task.exited, task.trace, task.traceNames];
  if (registry instanceof SharedArrayBuffer) internal.push(registry);
  const limits = { maxSteps: s.maxSteps, maxIdleSteps: s.maxIdleSteps, timeoutMs: task.timeoutMs };
  return new ScheduleModel(s.control, task.thread, task.threads, limits, new BufferIds(internal));
}

/** The batch this worker is running, for the exit hook and the output counter below. */
let current: { exited: Int32Array; thread: number; progress: Int32Array; beat: number } | null = null;

// An actor calling process.exit ends this thread without a reply; leave a note
// in shared memory so the watchdog reports a crash at once instead of a hang.
process.on('exit', (code) => {
  if (current !== null) Atomics.store(current.exited, current.thread, 1 + (code & 0xff));
});

/**
 * Writing output is a sign of life: an actor printing 100,000 lines spends seconds in
 * process.stdout.write with no primitive operation, and on a loaded machine that would look like a
 * hang at the default 1 s timeout. Every write bumps the heartbeat of the batch in flight.
 */
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((...args: unknown[]): boolean => {
    if (current !== null) current.progress[current.beat]!++;
    return write(...args);
  });
}

/** The batch before this one, still running: batches run strictly one after another in a worker. */
let previous: Promise<unknown> = Promise.resolve();

/**
 * tinypool hands this worker the next batch while the current one runs (see
 * pools.ts) and starts both handlers at once; an async actor would then let
 * the second batch's gate spin inside the first's trial. So each batch waits
 * for the one before.
 */
export default function runTrialsInOrder(task: BatchTask): Promise<BatchReply> {
  const run = previous.then(() => runTrials(task)).finally(flushOutput);
  previous = run.catch(() => undefined);
  return run;
}

/**
 * tinypool posts a batch's reply only once this worker's stdout and stderr
 * are flushed, which takes a turn of the event loop; the next batch, queued
 * and synchronous, would hold that turn (and the reply, and the watchdog's
 * view of this batch) for its whole length. So flush here, before it starts.
 */
async function flushOutput(): Promise<void> {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.writableLength > 0) await new Promise<void>((resolve) => stream.write('', () => resolve()));
  }
}

/**
 * Before the trials: loads the suite and runs its prepare() in this worker, publishing each phase
 * for the watchdog, and names this thread.
 */
async function enterBatch(task: BatchTask): Promise<{ suite: AnySuite; progress: Int32Array }> {
  // The first task arrives after tinypool's start-up handshake on parentPort: the port is the pool's from here on.
  guardParentPort();
  const progress = new Int32Array(task.progress);
  const phase = phaseWord(task.threads, task.thread);
  current = { exited: new Int32Array(task.exited), thread: task.thread, progress, beat: beatWord(task.threads, task.thread) };
  // Which worker runs this thread of the trial, so a hang report picks this trial's threads out of
  // the process-wide wait-for table (names can repeat or be cut short there; ids cannot).
  Atomics.store(progress, idWord(task.threads, task.thread), threadId + 1);
  // The phase tells the watchdog what a stall means: before the trials, a slow module or prepare()
  // (bounded separately, reported as an error); during them, a hang; after them, a slow reply.
  Atomics.store(progress, phase, Phase.LOADING);
  const suite = await loadSuite(task.suiteUrl);
  Atomics.store(progress, phase, Phase.PREPARING);
  // Before the gate: module loading must not land inside a timed trial.
  await suite.prepare?.({ threads: task.threads, params: task.params, variant: task.variant });
  setThreadName(task.threadName);
  // A --jobs run's free-running group: this thread on its own core (before the gate, like loading).
  if (task.cpu !== undefined) pinThisThread(task.cpu);
  return { suite, progress };
}

/** This thread's part of a batch: its trials, one after another, each started at the shared gate. */
async function runTrials(task: BatchTask): Promise<BatchReply> {
  const { suite, progress } = await enterBatch(task);
  const phase = phaseWord(task.threads, task.thread);
  const beat = beatWord(task.threads, task.thread);
  const gate = new StartGate(task.gate, task.threads, task.pureSpin);
  Atomics.store(progress, phase, Phase.TRIALS);
  const trace = new TraceWriter(task.trace, task.traceNames, task.threads, task.traceEvents, task.thread, task.traceStamp);
  const { jitter } = task;
  const outcomes: BatchReply['outcomes'] = [];
  // Controlled batches: one model per batch; jitter means nothing under control and stays off.
  const model = modelFor(task);
  const reports: ThreadTrialReport[] = [];
  // Free-running: the word each sleeping thread waits on, for hang reports (wait-recorder.ts).
  const waits = model === null ? new WaitRecorder(progress, task.threads, task.thread) : null;
  let inWindow = false;

  // In-worker trials: this thread sets up each trial itself, and thread 0 grades them (in-worker-trials.ts).
  const inWorker =
    task.inWorker !== undefined
      ? new InWorkerTrials(task.inWorker, suite, task.thread, { events: task.trace, names: task.traceNames, perThread: task.traceEvents, stamp: task.traceStamp }, () => cutGate(task.gate))
      : null;
  const trials = inWorker?.count ?? task.states.length;
  // Set while the harness runs suite code outside the actor here (setup, grading): no trace, no jitter.
  let harnessCode = false;
  let ran = 0;
  /** In-worker trials: setup threw here, in every thread alike; the batch ends before this trial (reported as its SetupError). */
  let setupError: { trial: number; message: string } | undefined;

  let jitterOn = false;
  let rng: () => number = Math.random;
  // The actor context's now(): one clock for the trial's threads. Each worker's performance.now() has its own
  // origin, so free-running it is the high-resolution wall clock; under control, the model's virtual clock.
  const sharedNow = model !== null ? (): number => performance.now() : (): number => performance.timeOrigin + performance.now();
  // The actor context's isSleeping: blocked in the model under control; else the wait recorder's word of that thread.
  const isSleeping = (t: number): boolean => {
    if (!Number.isInteger(t) || t < 0 || t >= task.threads) return false;
    return model !== null ? model.isBlocked(t) : Atomics.load(progress, sleepingWord(task.threads, t)) === 1;
  };
  // Heartbeat: every primitive operation counts as progress, so a long but live trial on a loaded
  // machine is not mistaken for a hang. Only this thread writes its word: a plain increment is enough.
  setYieldHook((op, primitive) => {
    progress[beat]!++;
    if (harnessCode) return;
    trace.record(op, primitive);
    // Under control a yield point is a scheduling point, and names the call this thread is in.
    if (inWindow) model!.yieldPoint(op === 'user' ? primitive : `${primitive} ${op}`);
    else if (jitterOn && rng() < jitter.pointProbability) delay(rng() * jitter.maxMicros, jitter.spin);
  });

  try {
    for (let k = 0; k < trials; k++) {
      const seedTrial = task.fixedSeedTrial ?? task.firstTrial + k;
      let state: unknown;
      if (inWorker !== null) {
        // Before the gate, like the main thread's setup: outside the timed trial. In the SETTING_UP
        // phase, naming trial k: the watchdog bounds a slow setup like prepare(), instead of taking
        // it for a hang of trial k-1 (whose number the trial word still holds).
        harnessCode = true;
        // Plain stores for the per-trial words (here and below): only this thread writes them, and the
        // watchdog, which samples them every few milliseconds, needs them soon, not fenced. A seq-cst
        // Atomics.store is a full fence, which waits for this trial's earlier stores to cold lines.
        progress[gradingWord(task.threads, task.thread)] = k + 1;
        progress[phase] = Phase.SETTING_UP;
        state = inWorker.stateOf(k, seedTrial);
        progress[phase] = Phase.TRIALS;
        harnessCode = false;
        if (state === SETUP_FAILED) {
          // Every thread runs the same setup and stops here alike (a setup that throws in one thread only leaves the others at the gate: a hang).
          setupError = { trial: seedTrial, message: inWorker.setupError };
          break;
        }
        inWorker.remember(k, seedTrial, state);
      } else {
        state = task.states[k];
      }
      // Progress within the batch (k + 1; 0 = not started), not the trial index itself: indices go
      // past 2^31 in long soaks and sliced shards, and the word is an Int32.
      progress[trialWord(task.threads, task.thread)] = k + 1;
      // In-worker trials record into a ring of regions (in-worker-ring.ts); others one region per trial.
      trace.beginTrial(inWorker !== null ? ringSlot(k) : k);
      // Same decision in every thread of the trial: derived from the trial alone.
      jitterOn = model === null && jitter.trialFraction > 0 && trialRng(task.seed, task.configKey, seedTrial)() < jitter.trialFraction;
      if (jitterOn) rng = threadRng(task.seed, task.configKey, seedTrial, task.thread);
      // Each trial starts holding no lock: one an earlier actor left held died with that trial's
      // memory, and its entry in this thread's held list would only crowd out the next ones.
      forgetHeldLocks();
      // The batch may be cut short here (its configuration's time is up): the trials run so far are its reply.
      if (!gate.arrive()) break;
      // Set when a finding ended a controlled trial before this thread's first turn: its actor does not run.
      let endedBeforeStart: Error | null = null;
      if (model !== null) {
        // After the gate (it runs on the real Atomics); Math.random becomes a generator seeded by the trial and thread.
        const mathRandom = threadRng(task.seed, `${task.configKey}/math-random`, seedTrial, task.thread);
        endedBeforeStart = model.enter(task.schedule!.specs[k]!, state, mathRandom, task.schedule!.logTrial === k);
        inWindow = true;
      }
      let outcome: BatchReply['outcomes'][number];
      try {
        if (endedBeforeStart !== null) throw endedBeforeStart;
        // Built on first use only: most actors never draw, and a generator costs ~1 us to seed. A
        // closure per trial, not one function for the batch: an actor may keep ctx.random and draw
        // after its trial ended (a timer, the next trial), and must still draw from its own trial's
        // sequence, or a replay of either trial would not draw what the run drew.
        let actorRng: (() => number) | undefined;
        const random = (): number => (actorRng ??= threadRng(task.seed, `${task.configKey}/actor`, seedTrial, task.thread))();
        // A replay runs one trial's seed again and again: the actor sees that trial's index each time.
        const ctx = { threads: task.threads, thread: task.thread, params: task.params, variant: task.variant, trial: seedTrial, timeoutMs: task.timeoutMs, random, isSleeping, now: sharedNow };
        waits?.begin(state);
        let value: unknown = suite.actor(state, ctx);
        if (value instanceof Promise) value = (await value) as unknown;
        outcome = { ok: true, value };
      } catch (err) {
        outcome = { ok: false, error: serializeError(err) };
      }
      // The actor's waits are no longer published (the wrapper stays for the batch: the actor guard accepts it).
      waits?.end();
      if (model !== null) {
        // Closes the window (the real globals are back) before the actor guard checks them.
        inWindow = false;
        try {
          reports.push(model.exit());
        } catch (err) {
          // The worker must not be left with an actor's globals (its pool code runs on them): restore, then fail the batch.
          restoreGlobals();
          throw err;
        }
      }
      // Before the next gate, which needs them: an actor that replaced Atomics (or another global the
      // loop runs on) gets an error for this trial, and the worker gets its globals back.
      const misuse = restoreGlobals();
      if (misuse !== null) {
        outcome = { ok: false, error: serializeError(misuse.error) };
        // Beyond repair (the actor froze what it changed): fail the task, so the group is replaced
        // and no later trial or configuration runs on this worker.
        if (!misuse.restored) throw misuse.error;
      }
      ran = k + 1;
      if (inWorker === null) {
        outcomes.push(outcome);
      } else {
        inWorker.publish(k, outcome);
        // Every thread passed this trial's gate, so all finished trial k-1: thread 0 grades it now, before the next gate.
        if (task.thread === 0) gradeInWorker(inWorker, k - 1);
      }
    }
    if (inWorker !== null) {
      // Closing gate: every thread has finished (and published) its last trial; thread 0 grades it.
      gate.arrive();
      if (task.thread === 0) gradeInWorker(inWorker, ran - 1);
    }
  } catch (err) {
    if (!(err instanceof GateCancelled)) throw err;
  } finally {
    waits?.uninstall();
    setYieldHook(null);
    jitterOn = false;
    inWindow = false;
    Atomics.store(progress, phase, Phase.REPLYING);
    current = null;
  }
  if (inWorker !== null) {
    const graded = inWorker.part();
    return { outcomes: [], ran, ...(graded !== undefined ? { graded } : {}), ...(setupError !== undefined ? { setupError } : {}), ...(inWorker.limitCut ? { limitCut: true } : {}) };
  }
  return model === null ? { outcomes: sendable(outcomes) } : { outcomes: sendable(outcomes), schedule: reports };

  /**
   * Thread 0 grades the finished trials up to `last` with the yield hook quiet (invariants may call
   * primitives), in the GRADING phase: the watchdog bounds suite code there as it bounds prepare(),
   * instead of counting it against the trial in progress.
   */
  function gradeInWorker(w: InWorkerTrials, last: number): void {
    if (last < 0) return;
    harnessCode = true;
    progress[gradingWord(task.threads, task.thread)] = last + 1;
    progress[phaseWord(task.threads, task.thread)] = Phase.GRADING;
    try {
      w.gradeUpTo(last);
    } finally {
      progress[phaseWord(task.threads, task.thread)] = Phase.TRIALS;
      harnessCode = false;
    }
  }
}

/**
 * The reply crosses to the main thread by structured clone; an actor that returned a function (or
 * anything else that cannot be cloned) would make that fail inside the pool, taking the run down.
 * Such a value becomes an error of its trial instead. Cheap in the usual case: primitives need no
 * check, and the whole array is test-cloned once only when some value is an object.
 */
function sendable(outcomes: BatchReply['outcomes']): BatchReply['outcomes'] {
  const isPlain = (o: BatchReply['outcomes'][number]): boolean => !o.ok || o.value === null || (typeof o.value !== 'object' && typeof o.value !== 'function' && typeof o.value !== 'symbol');
  if (outcomes.every(isPlain)) return outcomes;
  try {
    structuredClone(outcomes);
    return outcomes;
  } catch {
    return outcomes.map((o) => {
      if (!o.ok || isPlain(o)) return o;
      try {
        structuredClone(o.value);
        return o;
      } catch (err) {
        const why = new TypeError(`the actor returned a value that cannot be sent between threads (${(err as Error).message}); return plain data`);
        return { ok: false as const, error: serializeError(why) };
      }
    });
  }
}

/**
 * executor: the cross-thread protocols under shakedown's ThreadPoolExecutor, Future and Thread,
 * run as they are shipped (the primitives' task-state and thread-words functions) by real threads:
 * - "cancel-vs-start": a pool worker starts a task while the submitting thread cancels it. Every
 *   future settles exactly once, and cancel() is true only for work that never ran.
 * - "shutdown": pool workers compete for the queued tasks while another thread waits for them all
 *   to settle, as shutdown({ wait: true }) does. It returns only after all accepted work ended.
 * - "join": a thread ends while others join it with timeouts. join(timeout) never reports a live
 *   thread as ended: a joiner told "ended" sees everything the thread did.
 * Each has a canary with the bug that protocol exists to prevent, written the way it is easy to
 * write. (asCompleted and wait run in one thread, on its event loop: their "each future once"
 * is a property test, test/executor/as-completed.test.ts.)
 */
import {
  TASK_CANCELLED,
  TASK_FINISHED,
  TASK_PENDING,
  TASK_RUNNING,
  finishTask,
  publishThreadEnded,
  runSync,
  deadlineOf,
  tryCancelTask,
  tryStartTask,
  untilTasksSettled,
  untilThreadEnded,
  yieldPoint,
} from '@shakedown/primitives';
import { defineSuite } from '../harness/suite-api.js';

interface State {
  /** One task word each (task-state.ts): PENDING until a worker starts it or the caller cancels it. */
  tasks: Int32Array[];
  /** Per task: 1 once its work began (written by the worker inside the work). */
  began: Int32Array;
  /** Per task: 1 once its work's last effect is done (just before the worker finishes the word). */
  ended: Int32Array;
  /** Per task: terminal transitions made (a finish by a worker, a successful cancel): must be exactly 1. */
  settlements: Int32Array;
  /** Per task: 1 if cancel() returned true. */
  cancelled: Int32Array;
  /** join: the thread's ended word (thread-words.ts T_ENDED at 0). */
  threadWords: Int32Array;
  /** join: the thread's result, a plain store made before it ends: a joiner told "ended" must see it. */
  threadResult: Int32Array;
}

/** What a joiner (join) or the shutdown caller (shutdown) saw when its wait returned. */
interface Seen {
  ended?: boolean;
  result?: number;
  /** shutdown: tasks whose work had ended when the wait returned, of how many. */
  endedAtReturn?: number;
  settledAtReturn?: boolean;
}

const RESULT = 42;

function taskCount(variant: string, threads: number): number {
  if (variant === 'cancel-vs-start' || variant === 'check-then-cancel') return Math.max(1, Math.floor(threads / 2));
  if (variant === 'shutdown' || variant === 'shutdown-skips-queued') return 2 * Math.max(1, threads - 1);
  return 0;
}

/** The work of a task: begins, then ends (the window a shutdown or a cancel must not slip into). */
function work(s: State, i: number): void {
  Atomics.store(s.began, i, 1);
  yieldPoint('user', `task ${i} works`);
  Atomics.store(s.ended, i, 1);
}

/** A pool worker's part for task i (executor-worker.ts): run it only if the start is won; finish after the work. */
function runTask(s: State, i: number): void {
  if (!tryStartTask(s.tasks[i]!)) return;
  work(s, i);
  if (finishTask(s.tasks[i]!)) Atomics.add(s.settlements, i, 1);
}

/** The canary's cancel(): a read, then a store. A worker can start the task in between. */
function checkThenCancel(state: Int32Array): boolean {
  if (Atomics.load(state, 0) !== TASK_PENDING) return false;
  yieldPoint('user', 'cancel: saw the task pending');
  Atomics.store(state, 0, TASK_CANCELLED);
  return true;
}

/** The canary's shutdown wait: waits for the running tasks only, as if queued ones did not count. */
function untilRunningEnded(tasks: Int32Array[], deadline: number): boolean {
  for (const t of tasks) {
    while (Atomics.load(t, 0) === TASK_RUNNING) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(t, 0, TASK_RUNNING, left);
    }
  }
  return true;
}

export default defineSuite<State, Record<string, never>, Seen | null>({
  name: 'executor',
  description: "the ThreadPoolExecutor's cross-thread protocols: a future settles once, cancel() only for work that never ran, shutdown(wait) after all work, join never early",
  threads: [2, 4],
  minThreads: 2,
  variants: {
    'cancel-vs-start': { description: 'a worker starts a task while the caller cancels it (compareExchange on the task word)' },
    'check-then-cancel': {
      description: 'cancel() reads "pending", then stores "cancelled"',
      canary: true,
      bug: 'check-then-act: a worker starts the task between the read and the store, so cancel() is true for work that ran and the future settles twice',
    },
    shutdown: { description: 'workers compete for queued tasks while another thread waits for all of them to settle' },
    'shutdown-skips-queued': {
      description: 'the shutdown wait waits for running tasks only',
      canary: true,
      bug: 'shutdown returns while a queued task has not run yet (pending work treated as done)',
    },
    join: { description: 'a thread ends while others join it with timeouts' },
    'ended-before-result': {
      description: 'the thread raises its ended word, then stores its result',
      canary: true,
      bug: 'publication order: a joiner told "ended" reads the result before it was written',
    },
  },
  trialsInWorkers: true,
  setup(ctx) {
    const n = taskCount(ctx.variant, ctx.threads);
    return {
      tasks: Array.from({ length: n }, () => ctx.int32(1)),
      began: ctx.int32(Math.max(1, n)),
      ended: ctx.int32(Math.max(1, n)),
      settlements: ctx.int32(Math.max(1, n)),
      cancelled: ctx.int32(Math.max(1, n)),
      threadWords: ctx.int32(3),
      threadResult: ctx.int32(1),
    };
  },
  actor(s, ctx) {
    const v = ctx.variant;
    if (v === 'cancel-vs-start' || v === 'check-then-cancel') {
      // Pairs: even threads are pool workers, odd threads the submitters cancelling the same task.
      const i = Math.floor(ctx.thread / 2);
      if (i >= s.tasks.length) return null;
      if (ctx.thread % 2 === 0) {
        runTask(s, i);
      } else {
        const ok = v === 'check-then-cancel' ? checkThenCancel(s.tasks[i]!) : tryCancelTask(s.tasks[i]!);
        if (ok) {
          Atomics.store(s.cancelled, i, 1);
          Atomics.add(s.settlements, i, 1);
        }
      }
      return null;
    }
    if (v === 'shutdown' || v === 'shutdown-skips-queued') {
      if (ctx.thread > 0) {
        // A pool worker: takes whatever task it wins, in queue order.
        for (let i = 0; i < s.tasks.length; i++) runTask(s, i);
        return null;
      }
      const deadline = deadlineOf(ctx.timeoutMs / 2);
      const settled = v === 'shutdown' ? runSync(untilTasksSettled(s.tasks, deadline)) : untilRunningEnded(s.tasks, deadline);
      let endedAtReturn = 0;
      for (let i = 0; i < s.tasks.length; i++) endedAtReturn += Atomics.load(s.ended, i);
      return { settledAtReturn: settled, endedAtReturn };
    }
    // join / ended-before-result: thread 0 is the thread, the others join it.
    if (ctx.thread === 0) {
      yieldPoint('user', 'the thread works');
      if (v === 'ended-before-result') {
        publishThreadEnded(s.threadWords);
        yieldPoint('user', 'ended raised, result not yet stored');
        s.threadResult[0] = RESULT;
      } else {
        // A plain store: the seq-cst store in publishThreadEnded orders it before the ended word.
        s.threadResult[0] = RESULT;
        publishThreadEnded(s.threadWords);
      }
      return null;
    }
    // A short timeout half the time (join may then say "not yet"), a long one otherwise.
    const timeoutMs = ctx.random() < 0.5 ? ctx.random() * 0.05 : ctx.timeoutMs / 2;
    const ended = runSync(untilThreadEnded(s.threadWords, deadlineOf(timeoutMs)));
    return { ended, result: s.threadResult[0]! };
  },
  invariants: {
    'every future settles exactly once': (s, _r, ctx) => {
      if (!ctx.variant.includes('cancel')) return true;
      for (let i = 0; i < s.tasks.length; i++) {
        const settlements = Atomics.load(s.settlements, i);
        const word = Atomics.load(s.tasks[i]!, 0);
        if (settlements !== 1 || (word !== TASK_FINISHED && word !== TASK_CANCELLED)) {
          return { ok: false, expected: 'one settlement, a terminal word', observed: `task ${i}: ${settlements} settlements, word ${word}` };
        }
      }
      return true;
    },
    'cancel() is true only for work that never ran': (s, _r, ctx) => {
      if (!ctx.variant.includes('cancel')) return true;
      for (let i = 0; i < s.tasks.length; i++) {
        if (Atomics.load(s.cancelled, i) === 1 && Atomics.load(s.began, i) === 1) return `task ${i}: cancel() returned true, and its work ran`;
      }
      return true;
    },
    'shutdown(wait) returns only after all accepted work ended': (s, results, ctx) => {
      if (!ctx.variant.startsWith('shutdown')) return true;
      const r = results[0];
      if (r === undefined || !r.ok || r.value === null) return true;
      const { endedAtReturn, settledAtReturn } = r.value;
      // A wait that timed out (an overloaded machine) says so: it did not claim the work ended.
      if (settledAtReturn !== true) return true;
      return { ok: endedAtReturn === s.tasks.length, expected: `${s.tasks.length} tasks ended`, observed: `${endedAtReturn} ended when the wait returned` };
    },
    'join(timeout) never reports a live thread as ended': (_s, results, ctx) => {
      if (ctx.variant !== 'join' && ctx.variant !== 'ended-before-result') return true;
      for (let t = 1; t < results.length; t++) {
        const r = results[t];
        if (r === undefined || !r.ok || r.value === null) continue;
        if (r.value.ended === true && r.value.result !== RESULT) return { ok: false, expected: `result ${RESULT} once join() returned true`, observed: `t${t}: join() true, result ${r.value.result}` };
      }
      return true;
    },
  },
});

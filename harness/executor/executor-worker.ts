/**
 * A ThreadPoolExecutor's worker (tinypool runs this module's default export once per task). It
 * names itself for the logger, runs the pool's initializer before its first task, and for each
 * task: wins the task word or skips the task (it was cancelled), runs the target, and finishes the
 * word only after the target's last effect, so that whoever sees the word settled may rely on it.
 */
import { Tinypool } from 'tinypool';
import { finishTask, loadTarget, setThreadName, thrownOutcome, tryStartTask, type TargetOutcome } from '@shakedown/primitives';
import { handleStrayErrors, runContext, type RunToken } from './stray-errors.js';
import { RUNS_TARGET, type PoolSetup, type Task, type TaskReply } from './task-message.js';

const setup = Tinypool.workerData as PoolSetup;
const threadName = `${setup.prefix}_${Atomics.add(setup.counter, 0, 1)}`;
setThreadName(threadName);

/** The run (a task's target or the initializer) going on in this worker now; undefined between tasks. */
let running: RunToken | undefined;
handleStrayErrors(threadName, () => running);

/**
 * Runs `fn(...args)` as the worker's running work, in its own async context (stray-errors.ts): its
 * outcome, or what a callback it created throws outside its call while it runs, whichever comes
 * first. A callback that threw leaves the work's own promise pending; it is abandoned then (the
 * error is the outcome).
 */
function asRunning(fn: (...args: unknown[]) => unknown, args: unknown[], what: string): Promise<unknown> {
  let token: RunToken | undefined;
  return new Promise<unknown>((resolve, reject) => {
    token = { what, fail: reject };
    running = token;
    runContext.run(token, () => {
      Promise.resolve()
        .then(() => fn(...args))
        .then(resolve, reject);
    });
  }).finally(() => {
    if (running === token) running = undefined;
  });
}

/** The initializer's run in this worker: once, before the first task; a failure breaks the pool. */
let initialized: Promise<TargetOutcome> | undefined;

async function runInitializer(init: NonNullable<PoolSetup['initializer']>): Promise<TargetOutcome> {
  try {
    const fn = await loadTarget(init.moduleUrl, init.target, "an executor's initializer");
    if (typeof fn !== 'function') return fn;
    await asRunning(fn, init.args, `the initializer ${init.target}`);
    return { ok: true, value: undefined };
  } catch (err) {
    return thrownOutcome(err);
  }
}

async function runTarget(task: Task): Promise<TargetOutcome> {
  try {
    const fn = await loadTarget(task.moduleUrl, task.target, "a task's target");
    if (typeof fn !== 'function') return fn;
    const value = await asRunning(fn, task.args, `the task ${task.target}`);
    return copyable(value)
      ? { ok: true, value }
      : { ok: false, error: { name: 'ShakedownError', code: 'ERR_THREAD_RESULT', message: `the target's result cannot be sent back to the submitting thread (${describeType(value)}); return plain data` } };
  } catch (err) {
    return thrownOutcome(err);
  }
}

/** Plain values cross without a check; an object is test-copied (a function inside it would fail tinypool's reply and kill this worker). */
function copyable(value: unknown): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) return true;
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** Never throws: a returned Proxy's traps may (that must not turn the result into a throw). */
function describeType(value: unknown): string {
  if (typeof value !== 'object') return typeof value;
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return 'an object that cannot be shown';
  }
}

export default async function runTask(task: Task): Promise<TaskReply> {
  // Lost to cancel(): the future is already settled as cancelled; the work must not run.
  if (!tryStartTask(task.state)) return { ok: true, value: undefined, cancelled: true };
  let reply: TaskReply;
  const init = setup.initializer === undefined ? undefined : await (initialized ??= runInitializer(setup.initializer));
  if (init !== undefined && !init.ok) {
    reply = { ...init, broken: true };
  } else {
    Atomics.store(task.state, RUNS_TARGET, 1);
    reply = await runTarget(task);
  }
  // After the target's last effect: a shutdown waiting on this word may rely on the work having ended.
  finishTask(task.state);
  return reply;
}

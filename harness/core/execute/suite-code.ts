/**
 * The suite's own main-thread code as the executor calls it (threadName, prepare, setup): what it
 * throws becomes an error of the configuration, and what it returns is checked before it crosses
 * to the workers.
 */
import { DeadlineMissed } from '../shared/deadline.js';
import { settleQuietly, thrownMessage } from '../shared/errors.js';
import { showValue } from '../shared/safe-value.js';

/**
 * The suite's own main-thread code (threadName, prepare, setup) threw, or prepare() never settled:
 * an error of this configuration.
 */
export class SuiteCodeError extends Error {
  constructor(
    readonly hook: string,
    readonly trial: number,
    cause: unknown,
  ) {
    super(
      cause instanceof DeadlineMissed
        ? cause.message
        : `${hook} threw${hook === 'setup' ? ` in trial ${trial}` : ''}: ${thrownMessage(cause)}`,
    );
  }
}

/** Runs a suite hook, wrapping what it throws so the configuration reports it instead of the run dying. */
export function suiteHook<T>(hook: string, trial: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new SuiteCodeError(hook, trial, err);
  }
}

/** setup() builds state that crosses to the workers by structured clone: a promise cannot, and would fail the whole batch. */
export function checkedState(state: unknown): unknown {
  if (state instanceof Promise) {
    settleQuietly(state);
    throw new TypeError('setup returned a Promise: setup must be synchronous and return the trial state (do asynchronous work once, in prepare)');
  }
  return state;
}

/** Thread names go into traces, hang reports and the workers' registry: text only. */
export function checkedThreadName(name: unknown): string {
  if (typeof name === 'string') return name;
  settleQuietly(name);
  throw new TypeError(`threadName returned ${showValue(name, 200)}; expected a string`);
}

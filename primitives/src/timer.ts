/**
 * Python's threading.Timer: a Thread that waits `intervalMs` and then runs its target, unless
 * cancel() came first. The wait happens in the worker, on a shared word cancel() raises, so a
 * cancel is seen at once and the target never starts.
 */
import { invalidArg } from './errors.js';
import { Thread, type ThreadOptions } from './thread.js';

export class Timer extends Thread {
  readonly intervalMs: number;

  constructor(intervalMs: number, options: ThreadOptions) {
    if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs < 0) throw invalidArg('Timer interval', 'a finite number of milliseconds >= 0', intervalMs);
    super(options, intervalMs);
    this.intervalMs = intervalMs;
  }

  /** Stops the timer if it is still waiting: its target will not run. No effect once it ran (or before start: then it never runs). */
  cancel(): void {
    this.cancelDelay();
  }

  /** After a join that returned true: whether cancel() stopped it before its target ran. */
  get cancelled(): boolean {
    return this.endedCancelled();
  }
}

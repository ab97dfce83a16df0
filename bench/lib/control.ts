/**
 * The words a trial's threads coordinate through. The start gate exists so that
 * worker start-up (25-80 ms, staggered) is not inside the measured interval.
 */
export const GATE = 0;
/** Set by the main thread when a fixed-duration run should end. */
export const STOP = 1;
/** Producers that have finished; the last one closes the queue. */
export const PRODUCERS_DONE = 2;
const CONTROL_WORDS = 16;

export function newControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
}

export function openGate(ctl: Int32Array): void {
  Atomics.store(ctl, GATE, 1);
  Atomics.notify(ctl, GATE);
}

export function requestStop(ctl: Int32Array): void {
  Atomics.store(ctl, STOP, 1);
}

export function stopRequested(ctl: Int32Array): boolean {
  return Atomics.load(ctl, STOP) !== 0;
}

/** Blocks a worker until the gate opens; throws rather than hang if the main thread never opens it. */
export function awaitGate(ctl: Int32Array, timeoutMs: number): void {
  const deadline = performance.now() + timeoutMs;
  while (Atomics.load(ctl, GATE) === 0) {
    const left = deadline - performance.now();
    if (left <= 0) throw new Error(`start gate not opened within ${timeoutMs} ms`);
    Atomics.wait(ctl, GATE, 0, left);
  }
}

/**
 * The start gate: the threads of a trial group meet here before every trial,
 * so that their actors start within a fraction of a microsecond of each other
 * (measured: a wait-based gate makes two threads overlap in 0 of 100,000
 * trials; a spin gate in 70%). Pure spin when the group fits the cores;
 * spin-then-sleep when oversubscribed, because spinners preempting each other
 * on 2 cores took 4.3 ms per crossing.
 */

/** Arrivals in the current round. */
const G_COUNT = 0;
/** Round number; the last arrival bumps it, which releases the others. */
const G_ROUND = 1;
/** 1 when the harness wants every thread to leave (hang recovery, interrupt). */
const G_CANCEL = 2;
/**
 * 1 when the harness wants the batch to end at the next trial boundary (its time is up, or a stop
 * was requested): the trials already run are kept, the rest of the batch is not started.
 */
const G_CUT = 3;
/**
 * 1 once the batch has ended: written by the last arrival of a round that saw G_CUT, before it
 * releases that round, so that every thread released from it agrees that no trial follows.
 */
const G_ENDED = 4;
export const GATE_BYTES = 64;

/** Spins before sleeping in oversubscribed mode: covers a normal crossing (~2-70 us measured). */
const SPIN_THEN_WAIT_SPINS = 2000;

export class GateCancelled extends Error {}

export function createGateBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(GATE_BYTES);
}

export class StartGate {
  readonly #i32: Int32Array;
  readonly #parties: number;
  readonly #pureSpin: boolean;

  constructor(buffer: SharedArrayBuffer, parties: number, pureSpin: boolean) {
    this.#i32 = new Int32Array(buffer);
    this.#parties = parties;
    this.#pureSpin = pureSpin;
  }

  /**
   * Blocks until all parties have arrived; then true: run the trial, or false: the batch was cut
   * short here, run no more trials. Throws GateCancelled if the harness cancels the group.
   */
  arrive(): boolean {
    const i32 = this.#i32;
    // A group of one (a 1-thread configuration) meets nobody: only the cut is news. One load instead
    // of the round's four read-modify-writes and stores, each a full fence (measured: 15% of a
    // one-thread in-worker trial); the cancel flag is for waking spinners, and this thread never spins.
    if (this.#parties === 1) return Atomics.load(i32, G_CUT) === 0;
    const round = Atomics.load(i32, G_ROUND);
    if (Atomics.add(i32, G_COUNT, 1) === this.#parties - 1) {
      // Last to arrive: decide for everyone whether the batch goes on, then reset the count before
      // releasing, so the next round starts clean. The round bump publishes both.
      if (Atomics.load(i32, G_CUT) !== 0) Atomics.store(i32, G_ENDED, 1);
      Atomics.store(i32, G_COUNT, 0);
      Atomics.add(i32, G_ROUND, 1);
      if (!this.#pureSpin) Atomics.notify(i32, G_ROUND);
      return Atomics.load(i32, G_ENDED) === 0;
    }
    let spins = 0;
    while (Atomics.load(i32, G_ROUND) === round) {
      if (Atomics.load(i32, G_CANCEL) !== 0) throw new GateCancelled('start gate cancelled');
      if (!this.#pureSpin && ++spins > SPIN_THEN_WAIT_SPINS) {
        // Oversubscribed: give the core away until the round moves (bounded, to re-check cancel).
        Atomics.wait(i32, G_ROUND, round, 50);
      }
    }
    return Atomics.load(i32, G_ENDED) === 0;
  }
}

/** Ends the batch at its next trial boundary: the trials in flight finish, no more start. */
export function cutGate(buffer: SharedArrayBuffer): void {
  Atomics.store(new Int32Array(buffer), G_CUT, 1);
}

export function cancelGate(buffer: SharedArrayBuffer): void {
  const i32 = new Int32Array(buffer);
  Atomics.store(i32, G_CANCEL, 1);
  Atomics.notify(i32, G_ROUND);
}

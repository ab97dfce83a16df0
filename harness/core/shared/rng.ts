/**
 * The one seam for randomness. Every random decision of a run (which trials
 * get jitter, how long each delay is) comes from a seedrandom generator whose
 * seed is derived from the master seed, the configuration and the trial
 * index (and the thread, for per-thread draws). The same seed therefore gives
 * the same decisions, in a full run and in `stress replay`.
 */
import seedrandom from 'seedrandom';

export type Rng = () => number;

export function trialRng(seed: string, configKey: string, trial: number): Rng {
  return seedrandom.alea(`${seed}/${configKey}/${trial}`);
}

export function threadRng(seed: string, configKey: string, trial: number, thread: number): Rng {
  return seedrandom.alea(`${seed}/${configKey}/${trial}/${thread}`);
}

/** A fresh master seed when the user gave none: short, printable, pasteable. */
export function newSeed(): string {
  return Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
}

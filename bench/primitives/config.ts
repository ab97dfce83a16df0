/**
 * Sizes chosen so the whole bench stays well under 3 minutes on 2 shared
 * cores: about 20 fresh-worker trials per section, each bounded in time.
 */
/** BENCH_REPS and BENCH_THINK_NS (a comma list) narrow a run while investigating; the defaults are the published method. */
export const REPS = Number(process.env.BENCH_REPS ?? 5);

export const UNCONTENDED = {
  iterations: 400_000,
  rounds: 5,
  timeoutMs: 30_000,
};

export const CONTENDED = {
  threads: [2, 4],
  /** Work after each release, outside the lock (0: the barging rows kept from before; goals on the others). */
  thinkNs: process.env.BENCH_THINK_NS?.split(',').map(Number) ?? [0, 100, 1000],
  runMs: 300,
  /** Per-wait bound inside workers, and (plus runMs) the trial watchdog. */
  timeoutMs: 5_000,
};

export const QUEUE = {
  capacity: 64,
  /** {id, seq} serialises to ~20 bytes; small slots keep the ring in a few KiB like a real message queue. */
  maxMessageBytes: 64,
  /** Producers stop at this many messages or at runMs, whichever comes first. */
  maxMessages: 200_000,
  runMs: 500,
  timeoutMs: 5_000,
};

/** Backstop for the whole process, below the 3-minute budget. */
export const GLOBAL_WATCHDOG_MS = 170_000;

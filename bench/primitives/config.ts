/**
 * Sizes chosen so the whole bench takes about 2.5 minutes on 2 quiet cores
 * (150 s measured), every fresh-worker trial bounded in time.
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
  /**
   * Runs of the Lock and its baseline on the think-time rows (the goal rows), the first REPS of them
   * interleaved with every other variant, the rest with each other only. A run settles into one of
   * two sharing patterns (which worker re-takes the lock after a release), so these rows need many
   * runs to say how fast the Lock is (BENCH_GOAL_REPS narrows it while investigating).
   */
  goalReps: Number(process.env.BENCH_GOAL_REPS ?? 12),
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

/** Backstop for the whole process: well above a loaded machine's run, below CI's patience. */
export const GLOBAL_WATCHDOG_MS = 300_000;

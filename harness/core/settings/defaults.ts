/**
 * Every default of a run's settings, in one place: the CLI, the config file, mocha, replay and
 * the API all fall back to these (resolve.ts fills them in).
 */
import type { ScheduleName } from '../schedule/types.js';

/** Wall time of a whole run when neither trials nor a budget are given. */
export const DEFAULT_TIME_BUDGET_MS = 60_000;
/** A `stress.it` block's wall time unless it gives runs or a budget: short enough for a test suite. */
export const DEFAULT_MOCHA_TIME_BUDGET_MS = 5000;
/** A trial still running after this long is a hang. */
export const DEFAULT_TIMEOUT_MS = 1000;
/** Trace events kept per thread of a failing trial. */
export const DEFAULT_TRACE_EVENTS = 48;
/** Thread counts of a suite that names none of its own. */
export const DEFAULT_THREADS: readonly number[] = [2, 4];
/** Jitter profiles: one undisturbed, one that widens narrow race windows (jitter.ts). */
export const DEFAULT_JITTER: readonly string[] = ['none', 'spin-1us'];
/**
 * The schedule axis (plan/schedule-axis.ts): free-running stress, and the controlled portfolio
 * (random walk, PCT depth 2 and 3), so that what the default run, --impl conformance runs and
 * stress.it find comes with an exact replay. Free-running stays for the bugs that need real
 * timing or live between plain accesses (docs/design/controlled-scheduling.md, section 1).
 */
export const DEFAULT_SCHEDULE: readonly ScheduleName[] = ['free', 'ctl'];
/** Cores per configuration: all of the machine's, unpinned. */
export const DEFAULT_CORES: ReadonlyArray<'all' | number> = ['all'];
/** `stress replay`: trials of the token's seed, by default. */
export const DEFAULT_REPLAY_RUNS = 100;
/** `stress replay --until-reproduced`: the cap (a rare race may need thousands). */
export const DEFAULT_REPLAY_UNTIL_RUNS = 100_000;

/** Heap limit of each trial worker, in MB. */
export const DEFAULT_WORKER_HEAP_MB = 1024;

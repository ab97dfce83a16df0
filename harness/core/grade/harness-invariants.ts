/**
 * The invariants the harness grades under its own names, beside a suite's: reports, JUnit
 * testcases and the mocha helper name them, and a suite may not reuse them.
 */

/** Every configuration has it: each trial finished within the timeout. */
export const HANG_INVARIANT = 'no hang';
/** A suite with `outcome` gets it: no trial ended in a forbidden outcome. */
export const OUTCOME_INVARIANT = 'outcome is not forbidden';
/** The reports' pseudo-invariant for actors that threw and workers that crashed (a JUnit testcase of its own). */
export const HARNESS_ERROR_INVARIANT = 'no harness error';
/** Controlled configurations: no trial reached a state where every unfinished thread is blocked for good (a deadlock or lost wakeup). */
export const DEADLOCK_INVARIANT = 'no deadlock or lost wakeup';
/** Controlled configurations: no trial ran past the idle step bound with no write changing a value. */
export const LIVELOCK_INVARIANT = 'no livelock';
/** Controlled configurations: no actor blocked where the model cannot see it (a wait on a buffer outside the state, a synchronous call, a loop with no point). */
export const OUTSIDE_INVARIANT = 'actors stay inside the model';
/**
 * A suite's own invariant with one of these names would merge into the harness's tally (or, in
 * JUnit, give two testcases one name), so checkSuiteShape rejects them.
 */
export const RESERVED_INVARIANTS: readonly string[] = [HARNESS_ERROR_INVARIANT, HANG_INVARIANT, OUTCOME_INVARIANT, DEADLOCK_INVARIANT, LIVELOCK_INVARIANT, OUTSIDE_INVARIANT];

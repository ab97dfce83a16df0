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
/**
 * A suite's own invariant with one of these names would merge into the harness's tally (or, in
 * JUnit, give two testcases one name), so checkSuiteShape rejects them.
 */
export const RESERVED_INVARIANTS: readonly string[] = [HARNESS_ERROR_INVARIANT, HANG_INVARIANT, OUTCOME_INVARIANT];

/** Every default of a run's settings, in one place: the CLI, the config file, mocha and the API all fall back to these. */

/** Wall time of a whole run when neither trials nor a budget are given. */
export const DEFAULT_TIME_BUDGET_MS = 60_000;
/** A trial still running after this long is a hang. */
export const DEFAULT_TIMEOUT_MS = 1000;
/** Trace events kept per thread of a failing trial. */
export const DEFAULT_TRACE_EVENTS = 48;

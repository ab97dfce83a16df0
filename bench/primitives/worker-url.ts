/** Resolved next to the compiled worker, so suites in any directory start the same file. */
export const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * In-worker batches keep trial memory (the state slot, each thread's outcome board entry and trace
 * region) for the last IN_WORKER_RING trials only, reused round robin. Three are live at once:
 * thread 0 grades trial k-1 while trial k runs, and the other threads may already be setting up
 * trial k+1 before its gate. A region per trial of the batch (up to 8,192) put every trial's 1 KiB
 * board entry and trace region on cache lines no thread had touched yet; three stay in cache.
 */
export const IN_WORKER_RING = 3;

/** Where trial `k` of an in-worker batch keeps its memory. */
export function ringSlot(k: number): number {
  return k % IN_WORKER_RING;
}

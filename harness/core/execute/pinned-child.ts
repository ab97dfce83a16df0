/**
 * Child process side of pinned.ts: runs one configuration (or one copy of it, in a --jobs run) on
 * the cores it was confined to. This entry imports nothing at load: its signal handlers must be in
 * place before the parent can stop it, and loading the harness takes a while (a stop during
 * start-up would otherwise kill it by signal, and the parent would take that for a crash).
 */

// The parent sends SIGTERM on interrupt and --fail-fast, and a Ctrl-C reaches this process too
// (same process group): stop like an unpinned run and report what completed instead of dying
// without a result.
let stopped = false;
const stop = (): void => {
  stopped = true;
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

process.once('message', (request: unknown) => {
  void import('./pinned-child-run.js').then((m) => m.runPinnedRequest(request as Parameters<typeof m.runPinnedRequest>[0], () => stopped));
});

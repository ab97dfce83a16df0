/**
 * Per-thread CPU affinity for a worker (a --jobs run's free-running groups: each trial thread on a
 * core of its own, beside the other groups). Linux affinity is per OS thread: `taskset -p` on the
 * worker's thread id (from /proc/thread-self) sets it for this worker alone. Done once per worker
 * and CPU (it costs a process spawn, ~10 ms), before the batch's first gate, never inside a trial.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** The CPU this worker is pinned to, once it was; undefined before. */
let pinnedTo: number | undefined;

/** Pins this worker's thread to `cpu`; false (and unpinned, which only loses the isolation) where that is not possible. */
export function pinThisThread(cpu: number): boolean {
  if (pinnedTo === cpu) return true;
  try {
    const tid = /task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1];
    if (tid === undefined) return false;
    const r = spawnSync('taskset', ['-p', '-c', String(cpu), tid], { stdio: 'ignore', timeout: 5000 });
    if (r.status !== 0) return false;
    // Trust what the kernel says, not the exit code: the CPU may lie outside this process's set.
    const now = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/thread-self/status', 'utf8'))?.[1];
    if (now !== String(cpu)) return false;
    pinnedTo = cpu;
    return true;
  } catch {
    return false;
  }
}

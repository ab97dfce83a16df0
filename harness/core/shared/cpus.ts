/** The CPUs this process may use: what --cores confines to and what a --jobs run shares out. */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * The CPUs this process may run on (Linux: `Cpus_allowed_list` in /proc/self/status, e.g.
 * "0-3,8"), in order. A container or a parent's taskset may exclude CPU 0, so pinning to
 * "0-(N-1)" could fail or land outside the allowed set.
 */
export function allowedCpus(): number[] {
  try {
    const line = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (line === undefined) return [];
    return line.split(',').flatMap((part) => {
      const [a, b] = part.split('-').map(Number) as [number, number | undefined];
      return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
    });
  } catch {
    return [];
  }
}

/** The CPUs a run may use: those this process is allowed (Linux), else 0 .. availableParallelism - 1. */
export function runCpus(): number[] {
  const allowed = allowedCpus();
  return allowed.length > 0 ? allowed : Array.from({ length: availableParallelism() }, (_, i) => i);
}

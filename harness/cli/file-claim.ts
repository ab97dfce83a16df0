/**
 * One writer per results file. A JSON lines file is appended to as the run goes, so two runs
 * given the same file (two CI jobs, a shard number reused) would splice their lines into a file
 * that `stress report` refuses, and both would exit 0. The writer claims FILE with a lock file next to
 * it, `FILE.lock` (next to the real file: FILE with symlinks resolved), created exclusively (O_EXCL) and holding its pid and host; a second writer is
 * refused before its run starts. The claim is released when the reporter finishes, or when the
 * process exits; a lock left by a process that was killed (SIGKILL) is stale once its pid is dead
 * on this host, and is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { HarnessError } from '../core/shared/errors.js';
import { realPathOf } from './real-path.js';

export interface Claim {
  release(): void;
}

interface LockInfo {
  pid: number;
  hostname: string;
  since: string;
}

/** A lock file that never got its content (its writer died between create and write) is stale after this. */
const EMPTY_LOCK_STALE_MS = 10_000;

const held = new Set<string>();
let exitHookInstalled = false;

/** Claims `path` for this process; `label` names the reporter in the error (e.g. `--reporter jsonl:o.jsonl`). */
export function claimFile(label: string, path: string): Claim {
  // Keyed on the file itself, not the text given: a symlink or another spelling of the same file must meet the same lock.
  const lock = `${realPathOf(path)}.lock`;
  for (let attempt = 0; ; attempt++) {
    const fd = tryCreate(lock);
    if (fd !== undefined) {
      const info: LockInfo = { pid: process.pid, hostname: hostname(), since: new Date().toISOString() };
      try {
        writeSync(fd, `${JSON.stringify(info)}\n`);
      } finally {
        closeSync(fd);
      }
      return hold(lock);
    }
    const owner = readLock(lock);
    // Taken over once only: if it is back after that, someone else is claiming it right now.
    if (attempt === 0 && isStale(lock, owner)) {
      rmSync(lock, { force: true });
      continue;
    }
    throw new HarnessError('ERR_REPORTER', refusal(label, path, lock, owner));
  }
}

function tryCreate(lock: string): number | undefined {
  try {
    return openSync(lock, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  }
}

function hold(lock: string): Claim {
  held.add(lock);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Whatever ends the run (a harness error, a usage error in a later reporter, a second Ctrl-C), the claim goes with it.
    process.on('exit', () => {
      for (const l of held) rmSync(l, { force: true });
    });
  }
  let released = false;
  return {
    release(): void {
      if (released) return;
      released = true;
      held.delete(lock);
      rmSync(lock, { force: true });
    },
  };
}

function readLock(lock: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lock, 'utf8')) as Partial<LockInfo>;
    if (typeof info.pid === 'number' && typeof info.hostname === 'string') return { pid: info.pid, hostname: info.hostname, since: String(info.since) };
  } catch {
    // Empty (being written right now, or its writer died before writing) or not ours: judged by its age.
  }
  return undefined;
}

function isStale(lock: string, owner: LockInfo | undefined): boolean {
  if (owner === undefined) {
    try {
      return Date.now() - statSync(lock).mtimeMs > EMPTY_LOCK_STALE_MS;
    } catch {
      return true; // gone meanwhile
    }
  }
  // A pid on another machine (a shared file system) cannot be checked: it is held until removed by hand.
  if (owner.hostname !== hostname() || owner.pid === process.pid) return false;
  return !isAlive(owner.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function refusal(label: string, path: string, lock: string, owner: LockInfo | undefined): string {
  if (owner?.pid === process.pid && owner.hostname === hostname()) {
    return `${label}: ${JSON.stringify(path)} is given twice in this run; give each reporter its own file`;
  }
  const who = owner === undefined ? 'another stress run' : `another stress run (pid ${owner.pid} on ${owner.hostname}, since ${owner.since})`;
  return (
    `${label}: ${JSON.stringify(path)} is being written by ${who}, which holds ${JSON.stringify(lock)}. ` +
    'Two runs appending to one results file would splice their lines; give each run its own file (e.g. one per shard), or wait for that run to end. ' +
    `If no run is writing it, delete ${JSON.stringify(lock)}; nothing was run`
  );
}

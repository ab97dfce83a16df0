/**
 * The file a path ends up writing, for telling whether two paths are one file: `out/o.jsonl`,
 * `./out/../out/o.jsonl` and a symlink to it are the same file, and keying a lock or a duplicate
 * check on the text as given would let them through. The file need not exist yet: its nearest
 * existing ancestor is resolved (symlinks and all) and the rest of the path appended; a dangling
 * symlink is followed to where it points, since writing through it creates that file.
 */
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Symlinks followed by hand (dangling ones) before giving up, as the OS limits loops (ELOOP). */
const MAX_HOPS = 40;

export function realPathOf(path: string): string {
  return follow(resolve(path), 0);
}

function follow(abs: string, hops: number): string {
  try {
    return realpathSync(abs);
  } catch {
    // Not there yet, a dangling link, or unreadable: worked out below.
  }
  if (hops < MAX_HOPS) {
    try {
      if (lstatSync(abs).isSymbolicLink()) return follow(resolve(dirname(abs), readlinkSync(abs)), hops + 1);
    } catch {
      // Nothing at this path: its parent decides.
    }
  }
  const parent = dirname(abs);
  if (parent === abs) return abs;
  return join(follow(parent, hops), basename(abs));
}

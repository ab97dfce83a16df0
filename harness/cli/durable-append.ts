import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppendFile } from '../../reporters/reporter.js';

/**
 * A file for records that must survive a kill: each append is written and
 * fsync'd before it returns, so whatever a reporter appended is on disk even
 * if the process dies on the next line.
 */
export function openDurableAppend(path: string): AppendFile {
  mkdirSync(dirname(path), { recursive: true });
  let fd: number | undefined = openSync(path, 'w');
  return {
    append(text: string): void {
      if (fd === undefined) throw new Error(`${path}: appended after close`);
      writeSync(fd, text);
      fsyncSync(fd);
    },
    close(): void {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

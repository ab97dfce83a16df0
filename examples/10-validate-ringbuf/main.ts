/**
 * Runs the README's command: the queue conformance suite against ringbuf.js
 * through the adapter in ringbuf-queue.ts (a bounded run, so CI can afford it).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The `stress` command as `npx stress` runs it (its file in this repository's build).
const cli = fileURLToPath(new URL('../../harness/cli/main.js', import.meta.url));
const adapter = fileURLToPath(new URL('./ringbuf-queue.js', import.meta.url));
const r = spawnSync(process.execPath, [cli, 'run', '--impl', `queue=${adapter}`, '--runs', '2000', '--seed', 'ringbuf-example'], { stdio: 'inherit', timeout: 120_000 });
process.exitCode = r.status ?? 1;

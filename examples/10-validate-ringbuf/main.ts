/**
 * Runs the README's command: the queue conformance suite against ringbuf.js
 * through the adapter in ringbuf-queue.ts (a bounded run, so CI can afford it).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The `stress` command as `npx stress` runs it (its file in this repository's build).
const cli = fileURLToPath(new URL('../../harness/cli/main.js', import.meta.url));
const adapter = fileURLToPath(new URL('./ringbuf-queue.js', import.meta.url));
// 60 s: within the 90 s that `npm run examples` gives this example (it kills the rest of the group then).
const r = spawnSync(process.execPath, [cli, 'run', '--impl', `queue=${adapter}`, '--runs', '2000', '--seed', 'ringbuf-example'], { stdio: 'inherit', timeout: 60_000 });
if (r.signal !== null) console.log('stress run stopped after 60 s');
process.exitCode = r.status ?? 1;

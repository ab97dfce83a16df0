import { workerData } from 'node:worker_threads';
import { Barrier, createLogger } from '@shakedown/primitives';
import { type Account, withdraw } from './account.js';

const log = createLogger();
const { account, start } = workerData as { account: Account; start: Barrier };
Barrier.from(start).wait(5000); // both tellers at the counter at once
// A 20 ms pause between check and act stands in for real work (a database call, a log write):
// it makes the window wide enough to hit by hand. The harness finds it without the pause.
const pause = (): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
withdraw(account, 60, false, log, pause);

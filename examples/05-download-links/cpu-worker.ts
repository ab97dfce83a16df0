import { parentPort, workerData } from 'node:worker_threads';
import { Event } from '@shakedown/primitives';
import { burn } from './burn.js';

const { rounds, go } = workerData as { rounds: number; go: Event };
burn(1_000_000); // compile the loop before the clock starts
parentPort!.postMessage('ready');
// Blocks this worker (not the main thread) until every worker is ready and the clock runs.
Event.from(go).wait(30_000);
const now = (): number => performance.timeOrigin + performance.now(); // comparable across threads
const start = now();
burn(rounds);
parentPort!.postMessage({ start, end: now() });

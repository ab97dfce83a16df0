import { parentPort, workerData } from 'node:worker_threads';
import { Barrier } from '@shakedown/primitives';

const { start, useBarrier } = workerData as { start: Barrier; useBarrier: boolean };
// Each thread takes tens of ms to boot; without the barrier they begin whenever they are ready.
if (useBarrier) Barrier.from(start).wait(5000);
parentPort!.postMessage(performance.timeOrigin + performance.now()); // when this thread began its work

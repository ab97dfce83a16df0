import { parentPort, workerData } from 'node:worker_threads';
import { burn } from './burn.js';

parentPort!.postMessage(burn(workerData as number));

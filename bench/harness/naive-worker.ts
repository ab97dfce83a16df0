/**
 * One thread of one naive iteration: what a user's `for` loop in a mocha test
 * does without shakedown. A fresh worker, the suite's actor run as soon as the
 * module is loaded: no start gate (threads start 25-80 ms apart), no jitter.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadSuite } from '../../harness/core/plan/load-suite.js';
import { serializeError } from '../../harness/core/shared/errors.js';
import type { ActorOutcome } from '../../harness/suite-api.js';
import type { NaiveThreadData } from './naive-loop.js';

const d = workerData as NaiveThreadData;
const suite = await loadSuite(d.suiteUrl);
const base = { threads: d.threads, params: d.params, variant: d.variant };
await suite.prepare?.(base);
let outcome: ActorOutcome<unknown>;
try {
  // The naive baseline has no wait recorder: whether another thread sleeps is not known here.
  const ctx = { ...base, thread: d.thread, trial: d.iteration, timeoutMs: d.timeoutMs, random: Math.random, isSleeping: () => false, now: () => performance.timeOrigin + performance.now() };
  let value: unknown = suite.actor(d.state, ctx);
  if (value instanceof Promise) value = (await value) as unknown;
  outcome = { ok: true, value };
} catch (err) {
  outcome = { ok: false, error: serializeError(err) };
}
parentPort!.postMessage(outcome);

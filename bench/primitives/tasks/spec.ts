import type { MessagePort } from 'node:worker_threads';
import type { LockHandle, QueueHandle } from '@shakedown/primitives';

/** What each bench worker is told to do (its workerData). */
export type TaskSpec = UncontendedSpec | ContendedSpec | QueueSpec | ChannelSpec;

export interface UncontendedSpec {
  task: 'uncontended';
  control: Int32Array;
  iterations: number;
  rounds: number;
}
export type UncontendedVariant = 'raw' | 'lock' | 'lockNoDetect' | 'rlock' | 'semaphore';
/** Nanoseconds per acquire+release, median over the worker's rounds. */
export type UncontendedResult = Record<UncontendedVariant, number>;

export type ContendedKind = 'lock' | 'futex' | 'mutex2' | 'spin';
export interface ContendedSpec {
  task: 'contended';
  kind: ContendedKind;
  control: Int32Array;
  lock: LockHandle;
  /** Lock word of the raw baselines. */
  word: Int32Array;
  counter: Int32Array;
  /** counter[1]: id of the worker that last held the lock, to count handoffs. */
  workerId: number;
  /** think() steps after each release, outside the critical section (bench/lib/think.ts). */
  thinkSteps: number;
  timeoutMs: number;
}
export interface ContendedResult {
  /** Acquisitions by this worker (the fairness figure compares them between workers). */
  ops: number;
  /** Times this worker took the lock from a different previous holder. */
  handoffs: number;
  elapsedMs: number;
}

export type Payload = 'number' | 'object';
export interface QueueSpec {
  task: 'queue';
  role: 'producer' | 'consumer';
  control: Int32Array;
  queue: QueueHandle;
  producerId: number;
  producers: number;
  maxMessages: number;
  payload: Payload;
  timeoutMs: number;
}
export interface ChannelSpec {
  task: 'channel';
  role: 'producer' | 'consumer';
  control: Int32Array;
  port: MessagePort;
  producerId: number;
  maxMessages: number;
  payload: Payload;
  timeoutMs: number;
}
/** Producers report what they sent, consumers what they received; the suite checks they agree. */
export interface FlowResult {
  role: 'producer' | 'consumer';
  messages: number;
  checksum: number;
  elapsedMs: number;
}

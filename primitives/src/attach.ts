import { AtomicBigInt, AtomicInt, type AtomicBigIntHandle, type AtomicIntHandle } from './atomic.js';
import { Barrier, type BarrierHandle } from './barrier.js';
import { Condition, type ConditionHandle } from './condition.js';
import { ShakedownError, formatValue } from './errors.js';
import { Event, type EventHandle } from './event.js';
import { Lock, type LockHandle } from './lock.js';
import { Queue, type QueueHandle } from './queue.js';
import { RLock, type RLockHandle } from './rlock.js';
import { Semaphore, type SemaphoreHandle } from './semaphore.js';

export type AnyHandle =
  | LockHandle
  | RLockHandle
  | SemaphoreHandle
  | BarrierHandle
  | EventHandle
  | ConditionHandle
  | QueueHandle
  | AtomicIntHandle
  | AtomicBigIntHandle;

export type AnyPrimitive = Lock | RLock | Semaphore | Barrier | Event | Condition | Queue | AtomicInt | AtomicBigInt;

type Attached<H> = H extends LockHandle
  ? Lock
  : H extends RLockHandle
    ? RLock
    : H extends SemaphoreHandle
      ? Semaphore
      : H extends BarrierHandle
        ? Barrier
        : H extends EventHandle
          ? Event
          : H extends ConditionHandle
            ? Condition
            : H extends QueueHandle
              ? Queue
              : H extends AtomicIntHandle
                ? AtomicInt
                : H extends AtomicBigIntHandle
                  ? AtomicBigInt
                  : AnyPrimitive;

/** Turns any primitive's handle (or the primitive itself, as received by postMessage) back into a working primitive. */
export function attach<H extends AnyHandle>(handle: H): Attached<H>;
export function attach(handle: unknown): AnyPrimitive;
export function attach(handle: unknown): AnyPrimitive {
  const kind = typeof handle === 'object' && handle !== null ? (handle as { kind?: unknown }).kind : undefined;
  switch (kind) {
    case 'lock':
      return Lock.from(handle);
    case 'rlock':
      return RLock.from(handle);
    case 'semaphore':
      return Semaphore.from(handle);
    case 'barrier':
      return Barrier.from(handle);
    case 'event':
      return Event.from(handle);
    case 'condition':
      return Condition.from(handle);
    case 'queue':
      return Queue.from(handle);
    case 'atomic-int':
      return AtomicInt.from(handle);
    case 'atomic-bigint':
      return AtomicBigInt.from(handle);
    default:
      throw new ShakedownError('ERR_BAD_HANDLE', `not a primitive handle: kind ${formatValue(kind)}`);
  }
}

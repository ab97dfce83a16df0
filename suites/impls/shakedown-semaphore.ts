/** The conformance adapter for @shakedown/primitives' BoundedSemaphore (release past the initial permits throws). */
import { BoundedSemaphore, Semaphore, type SemaphoreHandle } from '@shakedown/primitives';
import type { ImplModule, SemaphoreImpl } from '../../harness/contract/types.js';

const impl: ImplModule<SemaphoreHandle, SemaphoreImpl> = {
  kind: 'semaphore',
  name: 'shakedown-semaphore',
  capabilities: { boundedRelease: true },
  create: ({ permits = 1 }) => new BoundedSemaphore(permits, { name: 'semaphore' }).handle(),
  attach: (handle) => Semaphore.from(handle),
};
export default impl;

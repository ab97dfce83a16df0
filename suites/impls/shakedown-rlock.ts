/** The conformance adapter for @shakedown/primitives' RLock. */
import { RLock, type RLockHandle } from '@shakedown/primitives';
import type { ImplModule, RLockImpl } from '../../harness/contract/types.js';

const impl: ImplModule<RLockHandle, RLockImpl> = {
  kind: 'rlock',
  name: 'shakedown-rlock',
  capabilities: { releaseByNonOwnerThrows: true },
  create: () => new RLock({ name: 'rlock' }).handle(),
  attach: (handle) => RLock.from(handle),
};
export default impl;

/** The conformance adapter for @shakedown/primitives' Lock: the contract is the Lock's own API. */
import { Lock, type LockHandle } from '@shakedown/primitives';
import type { ImplModule, LockImpl } from '../../harness/contract/types.js';

const impl: ImplModule<LockHandle, LockImpl> = {
  kind: 'lock',
  name: 'shakedown-lock',
  // ERR_LOCK_NOT_OWNER, and the owner keeps the lock.
  capabilities: { releaseByNonOwnerThrows: true },
  create: () => new Lock({ name: 'lock' }).handle(),
  attach: (handle) => Lock.from(handle),
};
export default impl;

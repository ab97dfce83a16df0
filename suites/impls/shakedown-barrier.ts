/** The conformance adapter for @shakedown/primitives' Barrier (wait throws BrokenBarrierError on timeout or abort). */
import { Barrier, type BarrierHandle } from '@shakedown/primitives';
import type { BarrierImpl, ImplModule } from '../../harness/contract/types.js';

const impl: ImplModule<BarrierHandle, BarrierImpl> = {
  kind: 'barrier',
  name: 'shakedown-barrier',
  create: ({ parties = 2 }) => new Barrier(parties, { name: 'barrier' }).handle(),
  attach: (handle) => Barrier.from(handle),
};
export default impl;

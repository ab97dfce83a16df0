/** The conformance adapter for @shakedown/primitives' Condition over its own Lock. */
import { Condition, type ConditionHandle } from '@shakedown/primitives';
import type { ConditionImpl, ImplModule } from '../../harness/contract/types.js';

const impl: ImplModule<ConditionHandle, ConditionImpl> = {
  kind: 'condition',
  name: 'shakedown-condition',
  create: () => new Condition(undefined, { name: 'condition' }).handle(),
  attach: (handle) => Condition.from(handle),
};
export default impl;

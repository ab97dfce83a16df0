/** The conformance adapter for @shakedown/primitives' Event. */
import { Event, type EventHandle } from '@shakedown/primitives';
import type { EventImpl, ImplModule } from '../../harness/contract/types.js';

const impl: ImplModule<EventHandle, EventImpl> = {
  kind: 'event',
  name: 'shakedown-event',
  create: () => new Event({ name: 'event' }).handle(),
  attach: (handle) => Event.from(handle),
};
export default impl;

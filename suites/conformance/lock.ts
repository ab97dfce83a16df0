/**
 * conformance/lock: any lock meeting the lock contract (docs/contracts.md).
 * Variants: our Lock, and gallery canaries (broken locks the suite must catch).
 * `stress run --impl lock=./my-lock.js` runs the user's lock instead.
 */
import { defineSuite } from '../../harness/suite-api.js';
import { galleryVariant, ourImpl, prepareImpl } from './lib/impl.js';
import { type MutexParams, type MutexState, mutexActor, mutexInvariants, mutexSetup } from './lib/mutex.js';

export default defineSuite<MutexState, MutexParams, null>({
  name: 'conformance/lock',
  description: 'mutual exclusion, progress with no lost wakeup, tryAcquire/timeout semantics, release by non-owner',
  implKind: 'lock',
  params: { impl: ourImpl('lock'), iterations: 50, depth: 1 },
  threads: [2, 3, 4],
  variants: {
    'shakedown-lock': { description: '@shakedown/primitives Lock' },
    ...galleryVariant('check-then-set-lock', 'check-then-set: two threads both see the lock free and both take it'),
    ...galleryVariant('release-without-notify-lock', 'release without notify: a sleeping waiter is never woken (lost wakeup, hang)'),
    ...galleryVariant('forgets-waiters-lock', 'a woken waiter retakes the futex lock as uncontended: its release wakes nobody and a second sleeper is lost (3+ threads)'),
  },
  prepare: prepareImpl,
  setup: mutexSetup,
  actor: mutexActor,
  invariants: mutexInvariants('lock'),
  actorErrorsAreFailures: true,
});

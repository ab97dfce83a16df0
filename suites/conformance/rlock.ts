/**
 * conformance/rlock: any reentrant lock meeting the rlock contract: the lock
 * workload with every section re-acquired `depth` times by its owner.
 */
import { defineSuite } from '../../harness/suite-api.js';
import { ourImpl, prepareImpl } from './lib/impl.js';
import { type MutexParams, type MutexState, mutexActor, mutexInvariants, mutexSetup } from './lib/mutex.js';

export default defineSuite<MutexState, MutexParams, null>({
  name: 'conformance/rlock',
  description: 'mutual exclusion at every depth, reentrancy depth, owner-only release',
  implKind: 'rlock',
  params: { impl: ourImpl('rlock'), iterations: 20, depth: 3 },
  threads: [2, 3, 4],
  variants: { 'shakedown-rlock': { description: '@shakedown/primitives RLock' } },
  prepare: prepareImpl,
  setup: mutexSetup,
  actor: mutexActor,
  invariants: mutexInvariants('rlock'),
  actorErrorsAreFailures: true,
});

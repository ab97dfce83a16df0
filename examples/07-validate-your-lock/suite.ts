/**
 * Mutual exclusion, checked: inside the critical section each thread bumps
 * `inside`, notes if anyone else was there, and leaves. Also counts entries,
 * so a lock that lets nobody in (or loses an exit) fails too.
 */
import { defineSuite } from 'shakedown';
import { yieldPoint } from '@shakedown/primitives';
import { BrokenSpinLock, SpinLock } from './spinlock.js';

interface State {
  /** [0] lock word, [1] threads inside, [2] overlaps seen, [3] entries. */
  words: Int32Array;
}

export default defineSuite<State, { rounds: number }>({
  name: 'my-spinlock',
  description: 'mutual exclusion of a user-written spinlock',
  params: { rounds: 3 },
  threads: [2, 4],
  variants: {
    spinlock: { description: 'compareExchange acquire' },
    'check-then-set': { description: 'load, then store', canary: true, bug: 'two threads see the lock free and both take it' },
  },
  setup: () => ({ words: new Int32Array(new SharedArrayBuffer(16)) }),
  actor({ words }, ctx) {
    const word = words.subarray(0, 1);
    const lock = ctx.variant === 'spinlock' ? new SpinLock(word) : new BrokenSpinLock(word);
    for (let i = 0; i < ctx.params.rounds; i++) {
      lock.acquire();
      if (Atomics.add(words, 1, 1) !== 0) Atomics.add(words, 2, 1); // someone else is inside
      yieldPoint('user', 'in critical section');
      Atomics.add(words, 3, 1);
      Atomics.sub(words, 1, 1);
      lock.release();
    }
    return null;
  },
  invariants: {
    'one thread at a time': ({ words }) => ({ ok: words[2] === 0, expected: 0, observed: words[2], details: 'overlapping critical sections' }),
    'every thread entered every round': ({ words }, _r, ctx) => ({ ok: words[3] === ctx.threads * ctx.params.rounds, expected: ctx.threads * ctx.params.rounds, observed: words[3] }),
  },
});

/**
 * Your own lock, as a user would write one: a spinlock over one Int32 word of
 * a SharedArrayBuffer (0 free, 1 held). `BrokenSpinLock` checks, then sets, in
 * two steps: two threads can both see 0 and both take the lock.
 * `yieldPoint` marks the points between steps so the harness's jitter can
 * widen them; it costs nothing outside the harness.
 */
import { yieldPoint } from '@shakedown/primitives';

export class SpinLock {
  readonly word: Int32Array;
  constructor(word: Int32Array = new Int32Array(new SharedArrayBuffer(4))) {
    this.word = word;
  }
  acquire(): void {
    // compareExchange makes check and set one indivisible step.
    while (Atomics.compareExchange(this.word, 0, 0, 1) !== 0) yieldPoint('user', 'spin');
  }
  release(): void {
    Atomics.store(this.word, 0, 0);
  }
}

export class BrokenSpinLock extends SpinLock {
  override acquire(): void {
    while (true) {
      if (Atomics.load(this.word, 0) === 0) {
        yieldPoint('user', 'saw the lock free'); // BUG: another thread can also see 0 here
        Atomics.store(this.word, 0, 1);
        return;
      }
    }
  }
}

/**
 * In a free-running trial, Atomics.wait is wrapped for the actor's window so that each thread
 * publishes the word it sleeps on (progress-words.ts sleep*Word): a hang report can then say
 * "t0 sleeps in Atomics.wait on lock.state[0] while it is 2" for a user's primitive, which has no
 * entry in @shakedown/primitives' wait-for table. The word is named by its buffer's id in the trial
 * state (buffer-ids.ts, the walk controlled scheduling uses), identified on the trial's first wait
 * only: most trials of most suites never sleep, and a walk costs microseconds. Calls through a
 * function captured before the trial (`const { wait } = Atomics`) are not seen; nor are waits
 * under controlled scheduling, whose model names the word itself.
 */
import { BufferIds } from './sched/buffer-ids.js';
import { sleepBufferWord, sleepByteWord, sleepExpectedWord, sleepingWord } from './progress-words.js';

type Wait = typeof Atomics.wait;

// Captured at load: an actor may replace or remove globalThis.Atomics (the actor guard reports it);
// the recorder must neither fail with it nor call its replacement.
const realAtomics = Atomics;
const store = Atomics.store.bind(Atomics);

/** Every wrapper a recorder installs: the actor guard takes one for the real Atomics.wait (isRecorderWait). */
const wrappers = new WeakSet<object>();

/**
 * Whether `fn` is a recorder's wrapper: it forwards to the real Atomics.wait, so an actor that froze
 * Atomics while it was in place (harmless in itself) changed nothing the trial loop depends on.
 */
export function isRecorderWait(fn: unknown): boolean {
  return typeof fn === 'function' && wrappers.has(fn);
}

export class WaitRecorder {
  readonly #progress: Int32Array;
  readonly #sleeping: number;
  readonly #buffer: number;
  readonly #byte: number;
  readonly #expected: number;
  readonly #ids = new BufferIds([]);
  // The very function: the actor guard compares Atomics.wait with it after every trial.
  readonly #real: Wait = realAtomics.wait;
  readonly #wrapper: Wait;
  #state: unknown;
  #identified = false;
  /** Between begin() and end(): inside an actor. */
  #active = false;

  constructor(progress: Int32Array, threads: number, thread: number) {
    this.#progress = progress;
    this.#sleeping = sleepingWord(threads, thread);
    this.#buffer = sleepBufferWord(threads, thread);
    this.#byte = sleepByteWord(threads, thread);
    this.#expected = sleepExpectedWord(threads, thread);
    const real = this.#real;
    const publish = (ta: unknown, index: unknown, value: unknown): void => {
      // Installed for the whole batch: only an actor's waits are published, not the gate's between trials.
      if (this.#active) this.#publish(ta, index, value);
    };
    const awake = (): void => void store(progress, this.#sleeping, 0);
    // A function expression, not an arrow: the same shape and arity as Atomics.wait.
    this.#wrapper = function wait(typedArray: Int32Array, index: number, value: number, timeout?: number) {
      publish(typedArray, index, value);
      try {
        return real(typedArray, index, value, timeout);
      } finally {
        awake();
      }
    } as Wait;
    wrappers.add(this.#wrapper);
  }

  /**
   * Before the actor: waits from here on are published. The wrapper stays in place for the whole
   * batch (uninstall() ends it): replacing a property of Atomics twice per trial cost more than a
   * short trial. Put back if the actor guard restored the real wait after a trial. False when
   * Atomics.wait cannot be replaced (frozen by someone): then nothing is. Never throws.
   */
  begin(state: unknown): boolean {
    this.#state = state;
    this.#identified = false;
    this.#active = true;
    if (realAtomics.wait === this.#wrapper) return true;
    try {
      realAtomics.wait = this.#wrapper;
      return realAtomics.wait === this.#wrapper;
    } catch {
      return false;
    }
  }

  /** After the actor: nothing more is published (the wrapper forwards to the real wait). Never throws. */
  end(): void {
    this.#state = undefined;
    this.#active = false;
  }

  /**
   * After the batch: the real Atomics.wait again, unless the actor put its own there or froze
   * Atomics (the actor guard reports and repairs what it can). Never throws.
   */
  uninstall(): void {
    this.end();
    try {
      if (realAtomics.wait === this.#wrapper) realAtomics.wait = this.#real;
    } catch {
      // Frozen with the wrapper in place: it stays, forwarding to the real wait (isRecorderWait).
    }
  }

  #publish(ta: unknown, index: unknown, value: unknown): void {
    // Only what an integer view over shared memory can be: anything else, Atomics.wait itself rejects.
    if (!ArrayBuffer.isView(ta) || !(ta.buffer instanceof SharedArrayBuffer)) return;
    if (!this.#identified) {
      this.#ids.identify(this.#state);
      this.#identified = true;
    }
    const id = this.#ids.idOf(ta.buffer);
    const elementBytes = (ta as Int32Array).BYTES_PER_ELEMENT;
    const at = ta.byteOffset + Number(index) * elementBytes - (id === undefined ? 0 : this.#ids.baseOf(id));
    const p = this.#progress;
    p[this.#buffer] = id === undefined ? -1 : id;
    p[this.#byte] = Number.isFinite(at) ? at : -1;
    p[this.#expected] = Number(value) | 0;
    store(p, this.#sleeping, 1);
  }
}

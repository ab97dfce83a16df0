/**
 * What a hang report says about threads asleep in Atomics.wait outside @shakedown/primitives (a
 * user's primitive): read from the words each thread publishes (worker/wait-recorder.ts) when the
 * watchdog calls the hang, then named from the hung trial's state on the main thread, the way
 * controlled scheduling names words (word-names.ts): `t0 waits for Atomics.wait on lock.state[0]
 * while it is 2`.
 */
import { NO_HOLDER } from '@shakedown/primitives';
import { WordNames } from './word-names.js';
import { sleepBufferWord, sleepByteWord, sleepExpectedWord, sleepingWord } from './worker/progress-words.js';

/** One thread asleep in Atomics.wait when the hang was called. */
export interface SleepRecord {
  thread: string;
  /** The buffer's id in the trial state (1..), -1 when the state does not reach it. */
  buffer: number;
  /** Byte relative to the buffer's base. */
  byte: number;
  expected: number;
}

export type WaitRecord = { thread: string; waitsFor: string; heldBy: string };

export function readSleepers(progress: Int32Array, threads: number, names: readonly string[]): SleepRecord[] {
  const out: SleepRecord[] = [];
  for (let t = 0; t < threads; t++) {
    if (Atomics.load(progress, sleepingWord(threads, t)) !== 1) continue;
    out.push({
      thread: names[t] ?? `t${t}`,
      buffer: Atomics.load(progress, sleepBufferWord(threads, t)),
      byte: Atomics.load(progress, sleepByteWord(threads, t)),
      expected: Atomics.load(progress, sleepExpectedWord(threads, t)),
    });
  }
  return out;
}

/**
 * `known` (the primitives' wait-for records) and a record for each sleeper not already in it (a
 * primitive's own wait names its primitive and holder, which says more).
 */
export function withSleepers(known: WaitRecord[], sleepers: readonly SleepRecord[], state: unknown): WaitRecord[] {
  const listed = new Set(known.map((w) => w.thread));
  const extra = sleepers.filter((s) => !listed.has(s.thread));
  if (extra.length === 0) return known;
  let names: WordNames | undefined;
  const word = (s: SleepRecord): string => {
    if (s.buffer < 0) return `a word of a buffer the trial state does not reach (byte ${s.byte})`;
    names ??= new WordNames(state);
    return names.nameOf(s.buffer, s.byte) ?? `buf${s.buffer}+${s.byte}`;
  };
  return [...known, ...extra.map((s) => ({ thread: s.thread, waitsFor: `Atomics.wait on ${word(s)} while it is ${s.expected}`, heldBy: NO_HOLDER }))];
}

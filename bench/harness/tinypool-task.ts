/** One trial as one tinypool task per thread: the two tasks meet at a spin barrier, then increment. */
interface Task {
  gate: SharedArrayBuffer;
  counter: SharedArrayBuffer;
  parties: number;
}

export default function trialTask({ gate, counter, parties }: Task): null {
  const g = new Int32Array(gate);
  const c = new Int32Array(counter);
  if (Atomics.add(g, 0, 1) === parties - 1) Atomics.store(g, 1, 1);
  else
    while (Atomics.load(g, 1) === 0) {
      /* spin until the other task of this trial has started */
    }
  c[0] = c[0]! + 1;
  return null;
}

/** A trial's trace keeps its last events per thread (how a hang ended), in order, with their names. */
import assert from 'node:assert/strict';
import { TraceWriter, namesArenaBytes, readNames, readTrace, traceArenaBytes } from '../../harness/core/execute/trace.js';

describe('harness/trace ring', () => {
  const setup = (events: number): { writer: TraceWriter; read: () => string[] } => {
    const arena = new SharedArrayBuffer(traceArenaBytes(1, 1, events));
    const names = new SharedArrayBuffer(namesArenaBytes(1));
    const writer = new TraceWriter(arena, names, 1, events, 0);
    writer.beginTrial(0);
    return { writer, read: () => readTrace(arena, 1, events, 0, [readNames(names, 0)], ['t0']).map((e) => e.primitive) };
  };

  it('keeps every event while they fit', () => {
    const { writer, read } = setup(4);
    for (let i = 0; i < 3; i++) writer.record('user', `step ${i}`);
    assert.deepEqual(read(), ['step 0', 'step 1', 'step 2']);
  });

  it('keeps the last N once more were recorded, oldest first', () => {
    const { writer, read } = setup(4);
    for (let i = 0; i < 10; i++) writer.record('user', `step ${i}`);
    assert.deepEqual(read(), ['step 6', 'step 7', 'step 8', 'step 9']);
  });
});

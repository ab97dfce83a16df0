/** A trial's trace keeps its last events per thread (how a hang ended), in order, with their names. */
import assert from 'node:assert/strict';
import { TraceWriter, UNRECORDED_NAME, namesArenaBytes, readNames, readTrace, traceArenaBytes } from '../../harness/core/execute/trace.js';

describe('harness/trace ring', () => {
  const setup = (events: number): { writer: TraceWriter; read: () => string[] } => {
    const arena = new SharedArrayBuffer(traceArenaBytes(1, 1, events));
    const names = new SharedArrayBuffer(namesArenaBytes(1));
    const writer = new TraceWriter(arena, names, 1, events, 0, 7);
    writer.beginTrial(0);
    return { writer, read: () => readTrace(arena, 1, events, 0, 7, [readNames(names, 0)], ['t0']).map((e) => e.primitive) };
  };

  it('keeps every event while they fit', () => {
    const { writer, read } = setup(4);
    for (let i = 0; i < 3; i++) writer.record('user', `step ${i}`);
    assert.deepEqual(read(), ['step 0', 'step 1', 'step 2']);
  });

  it("reads a region another batch began (another stamp) as empty: no clearing needed before reuse", () => {
    const arena = new SharedArrayBuffer(traceArenaBytes(2, 1, 4));
    const names = new SharedArrayBuffer(namesArenaBytes(1));
    const older = new TraceWriter(arena, names, 1, 4, 0, 1);
    older.beginTrial(0);
    older.beginTrial(1);
    older.record('user', 'old event');
    // The next batch on this arena (stamp 2) reaches trial 0 only: trial 1 still holds the older events.
    const newer = new TraceWriter(arena, names, 1, 4, 0, 2);
    newer.beginTrial(0);
    newer.record('user', 'new event');
    const read = (k: number, stamp: number): string[] => readTrace(arena, 1, 4, k, stamp, [readNames(names, 0)], ['t0']).map((e) => e.primitive);
    assert.deepEqual(read(0, 2), ['new event']);
    assert.deepEqual(read(1, 2), []);
    // Still there for its own batch's stamp (the names are the newer batch's by now: only the count is checked).
    assert.equal(readTrace(arena, 1, 4, 1, 1, [[]], ['t0']).length, 1);
  });

  it('names every event rightly after an empty name (it takes an entry like any other)', () => {
    const { writer, read } = setup(4);
    writer.record('user', 'before');
    writer.record('user', '');
    writer.record('user', 'after');
    assert.deepEqual(read(), ['before', '', 'after']);
  });

  it('says a name was not recorded once the names area is full, never gives another name', () => {
    const { writer, read } = setup(4);
    // 200 bytes each (the cap per name): the 16 KiB area holds 81 of them.
    for (let i = 0; i < 100; i++) writer.record('user', `${String(i).padStart(3, '0')}${'x'.repeat(197)}`);
    const last = read();
    assert.equal(last.length, 4);
    for (const name of last) assert.equal(name, UNRECORDED_NAME);
  });

  it('keeps the last N once more were recorded, oldest first', () => {
    const { writer, read } = setup(4);
    for (let i = 0; i < 10; i++) writer.record('user', `step ${i}`);
    assert.deepEqual(read(), ['step 6', 'step 7', 'step 8', 'step 9']);
  });
});

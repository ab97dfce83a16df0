/**
 * The bench's "last sitting" column (bench/lib/sittings.ts): a row is stable when its ratio moved by
 * at most STABLE_WITHIN since the previous run's JSON, MOVED otherwise; rows without a match, and a
 * missing or unreadable file, compare with nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRow } from '../../bench/lib/row.js';
import { STABLE_WITHIN, compareWithLastSitting, readLastSitting } from '../../bench/lib/sittings.js';
import { formatTable } from '../../bench/lib/table.js';

const row = (name: string, figure: number, baseline: number): ReturnType<typeof makeRow> =>
  makeRow({ section: '2 contended', name, unit: 'ops/s', sense: 'higher-is-better', baselineName: 'same-algorithm futex lock', figure: [figure], baseline: [baseline] });

describe('bench/last sitting', () => {
  it('marks each row stable or MOVED against the same row of the sitting before, and prints the column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sittings-'));
    const path = join(dir, 'bench.json');
    writeFileSync(path, JSON.stringify({ date: '2026-12-07T10:00:00Z', rows: [row('held', 90, 100), row('moved', 50, 100)] }));
    const now = [row('held', 95, 100), row('moved', 90, 100), row('new row', 1, 1)];
    compareWithLastSitting(now, readLastSitting(path));
    assert.deepEqual(
      now.map((r) => r.lastSitting),
      [{ ratio: 0.9, stable: true }, { ratio: 0.5, stable: false }, undefined],
    );
    assert.ok(Math.abs(0.95 / 0.9 - 1) <= STABLE_WITHIN && Math.abs(0.9 / 0.5 - 1) > STABLE_WITHIN, 'the two rows fall on either side of the bound');
    const table = formatTable(now);
    assert.match(table, /last sitting/);
    assert.match(table, /held .*0\.90 stable/);
    assert.match(table, /moved .*0\.50 MOVED/);
  });

  it('compares with nothing when there is no earlier sitting or its file is not a bench report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sittings-'));
    assert.equal(readLastSitting(join(dir, 'missing.json')), undefined);
    writeFileSync(join(dir, 'torn.json'), '{"rows": [');
    assert.equal(readLastSitting(join(dir, 'torn.json')), undefined);
    const now = [row('a', 1, 1)];
    compareWithLastSitting(now, undefined);
    assert.equal(now[0]!.lastSitting, undefined);
    assert.doesNotMatch(formatTable(now), /last sitting/);
  });
});

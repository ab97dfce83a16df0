/**
 * The console's colour and ETA (issue 18, CLI conventions): NO_COLOR, FORCE_COLOR and the terminal
 * decide whether status words are coloured (FAIL red, PASS green); only the status word at the head
 * of a line is; and the status line says when the run should end.
 */
import assert from 'node:assert/strict';
import { colourMarks, colourWanted } from '../../reporters/colour.js';
import { shortDuration } from '../../reporters/eta.js';
import { consoleReporter } from '../../reporters/console-reporter.js';
import { memoryContext } from './fixtures/memory-context.js';
import { mixedSummary } from './fixtures/summaries.js';

const RED = '\x1b[31m';
const GREEN = '\x1b[32m';

describe('reporters/console: colour and ETA', () => {
  it('colour: NO_COLOR wins, then FORCE_COLOR, then a terminal that is not dumb', () => {
    assert.equal(colourWanted({}, true), true);
    assert.equal(colourWanted({}, false), false);
    assert.equal(colourWanted({ TERM: 'dumb' }, true), false);
    assert.equal(colourWanted({ NO_COLOR: '1' }, true), false);
    assert.equal(colourWanted({ NO_COLOR: '' }, true), true, 'an empty NO_COLOR is unset (no-color.org)');
    assert.equal(colourWanted({ FORCE_COLOR: '1' }, false), true);
    assert.equal(colourWanted({ FORCE_COLOR: '0' }, true), false);
    assert.equal(colourWanted({ FORCE_COLOR: 'false' }, true), false);
    assert.equal(colourWanted({ NO_COLOR: '1', FORCE_COLOR: '1' }, true), false);
  });

  it('colours only the status word at the head of a line', () => {
    const text = '  FAIL     a/b: 3 trials\n  PASS     c/d\n  details: PASS is not a mark here\n  SURVIVED  x/y';
    const out = colourMarks(text, true);
    assert.ok(out.startsWith(`  ${RED}FAIL`), out);
    assert.ok(out.includes(`  ${GREEN}PASS`));
    assert.ok(out.includes(`  ${RED}SURVIVED`));
    assert.ok(out.includes('details: PASS is not'), 'text inside a line is left alone');
    assert.equal(colourMarks(text, false), text);
  });

  it('the console reporter colours on FORCE_COLOR and writes plain text otherwise', async () => {
    const s = mixedSummary();
    const plain = memoryContext({}, {});
    await consoleReporter(undefined, plain).finish!(s);
    assert.equal(plain.stdout.join('').includes('\x1b['), false);
    const forced = memoryContext({}, { FORCE_COLOR: '1' });
    await consoleReporter(undefined, forced).finish!(s);
    assert.ok(forced.stdout.join('').includes(`  ${RED}SURVIVED`), 'a surviving canary in red');
  });

  // The ETA itself: eta.test.ts.
  it('ETA durations read short', () => {
    assert.equal(shortDuration(45_000), '45s');
    assert.equal(shortDuration(185_000), '3m 05s');
    assert.equal(shortDuration(7_800_000), '2h 10m');
  });
});

/**
 * Report paths are checked before the run starts: one that cannot be written is a usage error
 * (exit 2) naming the reporter and the path, and no trial runs (it used to surface only after the
 * whole budget). Custom reporters' targets are theirs: no check.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stress } from '../helpers/cli.js';

const DETERMINISTIC = fileURLToPath(new URL('../harness/fixtures/deterministic.js', import.meta.url));
const ECHOES_TARGET = fileURLToPath(new URL('../reporters/fixtures/custom/echoes-target.js', import.meta.url));
/** Long enough that a run which did start is obvious (the console prints its configurations). */
const RUN = ['run', DETERMINISTIC, '--grep', 'clean', '--threads', '1', '--jitter', 'none', '--runs', '20', '--seed', 'paths'];

describe('cli: report paths are checked before the run', function () {
  this.timeout(120_000);

  it('rejects unwritable report paths with exit 2, naming the reporter and the path, before any trial', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paths-'));
    const aFile = join(dir, 'a-file');
    writeFileSync(aFile, 'x');
    const aDir = join(dir, 'a-dir');
    mkdirSync(aDir);
    const cases: Array<[string[], RegExp]> = [
      [['--json', ''], /stress: --json "": the report path is empty; expected a file path such as out\/stress\.json; nothing was run \[ERR_REPORTER\]/],
      [['--reporter', `html:${aDir}/`], /--reporter html:.*a-dir\/: ".*a-dir\/" ends in a slash, so it names a directory; expected a file path such as .*a-dir\/stress\.html/],
      [['--reporter', 'junit:/proc/x.xml'], /--reporter junit:\/proc\/x\.xml: cannot write in the directory "\/proc" for "\/proc\/x\.xml": /],
      [['--reporter', `json:${aFile}/sub/o.json`], /--reporter json:.*a-file\/sub\/o\.json: cannot create the directory ".*a-file\/sub" for /],
      [['--reporter', `jsonl:${aDir}`], /--reporter jsonl:.*a-dir: ".*a-dir" is a directory; expected a file path/],
      [['--reporter', `markdown:${aDir}`], /--reporter markdown:.*a-dir: ".*a-dir" is a directory/],
      [['--reporter', 'junit:/dev/null'], /"\/dev\/null" exists and is not a regular file/],
    ];
    for (const [flags, message] of cases) {
      const r = stress([...RUN, ...flags], {}, 30_000);
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.err}`);
      assert.match(r.err, message, flags.join(' '));
      assert.equal(r.out, '', `${flags.join(' ')}: nothing ran`);
    }
    assert.deepEqual(readdirSync(aDir), [], 'no probe file left behind');
  });

  it('creates a missing report directory before the run, and leaves no probe file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paths-'));
    const xml = join(dir, 'new', 'deeper', 'o.xml');
    const r = stress([...RUN, '--reporter', `junit:${xml}`], {}, 60_000);
    assert.equal(r.code, 0, r.err);
    assert.ok(existsSync(xml));
    assert.deepEqual(readdirSync(join(dir, 'new', 'deeper')), ['o.xml']);
  });

  it('gives a custom reporter target no check', () => {
    const r = stress([...RUN, '--reporter', `${ECHOES_TARGET}:/proc/not-a-file/`], {}, 60_000);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /custom target: "\/proc\/not-a-file\/"/);
  });

  it('stress report checks its output paths before rendering', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paths-'));
    const jsonl = join(dir, 'o.jsonl');
    assert.equal(stress([...RUN, '--reporter', `jsonl:${jsonl}`], {}, 60_000).code, 0);
    const r = stress(['report', jsonl, '--reporter', 'html:/proc/x.html'], {}, 30_000);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--reporter html:\/proc\/x\.html: cannot write in the directory "\/proc"/);
  });
});

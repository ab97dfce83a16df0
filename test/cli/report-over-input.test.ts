/**
 * No report is written over a file the command reads. Before, `stress merge s1.jsonl s2.jsonl
 * --reporter jsonl:s1.jsonl` replaced shard 1's results with the merge (lost for good; the next
 * merge was refused), `stress report s1.jsonl --reporter jsonl:s1.jsonl` rewrote its input, and
 * `stress run ./suite.js --reporter json:./suite.js` would replace the suite itself. Now each is
 * refused (exit 2) before anything is written, whatever the spelling or a symlink.
 */
import assert from 'node:assert/strict';
import { copyFileSync, linkSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stress } from '../helpers/cli.js';

const DETERMINISTIC = fileURLToPath(new URL('../harness/fixtures/deterministic.js', import.meta.url));
const RUN = ['run', DETERMINISTIC, '--grep', 'clean', '--jitter', 'none', '--runs', '5', '--seed', 'inputs'];

describe('cli: a report never replaces a file the command reads', function () {
  this.timeout(120_000);
  let dir: string;
  let s1: string;
  let s2: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'report-over-input-'));
    s1 = join(dir, 's1.jsonl');
    s2 = join(dir, 's2.jsonl');
    for (const [i, file] of [s1, s2].entries()) {
      const r = stress([...RUN, '--threads', '1,2', '--shard', `${i + 1}/2`, '--reporter', `jsonl:${file}`]);
      assert.equal(r.code, 0, r.err);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('merge and report refuse an output that is one of their inputs (same path, another spelling, a symlink), and leave it intact', () => {
    const before1 = readFileSync(s1, 'utf8');
    const before2 = readFileSync(s2, 'utf8');
    symlinkSync(s2, join(dir, 'link.xml'));
    const cases: Array<[string[], RegExp]> = [
      [['merge', s1, s2, '--reporter', `jsonl:${s1}`], /--reporter jsonl:.*s1\.jsonl: ".*s1\.jsonl" is the results file ".*s1\.jsonl", which this command reads; writing the report there would destroy it/],
      [['merge', s1, s2, '--reporter', `junit:${join(dir, 'link.xml')}`], /is the results file ".*s2\.jsonl", which this command reads/],
      [['report', s1, '--reporter', `json:${join(dir, '.', 'sub', '..', 's1.jsonl')}`], /is the results file ".*s1\.jsonl", which this command reads/],
    ];
    for (const [args, expected] of cases) {
      const r = stress(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, expected);
      assert.equal(r.out, '', 'nothing was reported');
    }
    assert.equal(readFileSync(s1, 'utf8'), before1, 'shard 1 intact');
    assert.equal(readFileSync(s2, 'utf8'), before2, 'shard 2 intact');
    // A hard link is another real path to the same file: jsonl (written in place) would rewrite the input.
    linkSync(s1, join(dir, 'hard.jsonl'));
    const hard = stress(['merge', s1, s2, '--reporter', `jsonl:${join(dir, 'hard.jsonl')}`]);
    assert.equal(hard.code, 2, hard.err);
    assert.match(hard.err, /is the results file ".*s1\.jsonl", which this command reads/);
    assert.equal(readFileSync(s1, 'utf8'), before1, 'shard 1 intact after the hard link try');
    // A merge into a file of its own still works, and is the whole run.
    const ok = stress(['merge', s1, s2, '--reporter', `jsonl:${join(dir, 'merged.jsonl')}`]);
    assert.equal(ok.code, 0, ok.err);
  });

  it('run refuses a report over its suite module, a built-in suite or its config file', () => {
    const suite = join(dir, 'suite.js');
    copyFileSync(DETERMINISTIC, suite);
    // The fixture imports nothing relative to itself that the copy would miss.
    const source = readFileSync(suite, 'utf8');
    const r = stress(['run', suite, '--grep', 'clean', '--threads', '1', '--jitter', 'none', '--runs', '5', '--reporter', `json:${suite}`]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /is the suite module ".*suite\.js", which this command reads/);
    assert.equal(readFileSync(suite, 'utf8'), source, 'the suite is intact');

    // A built-in suite named by name is a module in shakedown's own suites directory.
    const counter = fileURLToPath(new URL('../../suites/counter.js', import.meta.url));
    const counterSource = readFileSync(counter, 'utf8');
    const b = stress(['run', 'counter', '--grep', 'atomic', '--threads', '1', '--jitter', 'none', '--runs', '2', '--reporter', `json:${counter}`]);
    assert.equal(b.code, 2, b.err);
    assert.match(b.err, /is inside shakedown's suites directory .*; writing a report there would replace shakedown's own code/);
    assert.equal(readFileSync(counter, 'utf8'), counterSource, 'the built-in suite is intact');

    const config = join(dir, 'stress.config.json');
    writeFileSync(config, JSON.stringify({ runs: 5 }));
    const c = stress([...RUN, '--threads', '1', '--config', config, '--reporter', `markdown:${config}`]);
    assert.equal(c.code, 2, c.err);
    assert.match(c.err, /is the config file ".*stress\.config\.json", which this command reads/);
    assert.equal(readFileSync(config, 'utf8'), JSON.stringify({ runs: 5 }));
  });
});

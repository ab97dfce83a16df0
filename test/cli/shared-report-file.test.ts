/**
 * One file, one reporter. The jsonl lock is keyed on the file itself, so a symlink (or another
 * spelling) of a file another run is writing meets that run's lock; before, the lock was keyed on
 * the text given, both runs went on and the file was corrupt. And two reporters of any kinds given
 * the same file (`--json X --reporter jsonl:X`, `junit:X` and `html:X`) are refused before the run,
 * naming both; before, one report silently overwrote the other.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stress } from '../helpers/cli.js';
import { claimFile } from '../../harness/cli/file-claim.js';
import { refuseSharedReportFiles } from '../../harness/cli/report-paths.js';
import { realPathOf } from '../../harness/cli/real-path.js';
import { HarnessError } from '../../harness/core/shared/errors.js';

const DETERMINISTIC = fileURLToPath(new URL('../harness/fixtures/deterministic.js', import.meta.url));
const RUN = ['run', DETERMINISTIC, '--grep', 'clean', '--threads', '1', '--jitter', 'none', '--runs', '5', '--seed', 'shared'];

const reporterError = (pattern: RegExp) => (e: unknown): boolean => e instanceof HarnessError && e.code === 'ERR_REPORTER' && pattern.test(e.message);

describe('cli: one report file, one writer', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shared-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('real paths (harness/cli/real-path.ts)', () => {
    it('a symlink, a dangling symlink, and a path through a symlinked directory resolve to the file they write', () => {
      const real = join(dir, 'o.jsonl');
      symlinkSync('o.jsonl', join(dir, 'dangling.jsonl'));
      assert.equal(realPathOf(join(dir, 'dangling.jsonl')), realPathOf(real), 'before the file exists');
      writeFileSync(real, '');
      symlinkSync('o.jsonl', join(dir, 'link.jsonl'));
      mkdirSync(join(dir, 'sub'));
      symlinkSync(dir, join(dir, 'sub', 'up'));
      for (const other of [join(dir, 'link.jsonl'), join(dir, 'sub', 'up', 'o.jsonl'), join(dir, 'sub', '..', 'o.jsonl'), relative(process.cwd(), real)]) {
        assert.equal(realPathOf(other), realPathOf(real), other);
      }
      assert.notEqual(realPathOf(join(dir, 'p.jsonl')), realPathOf(real));
    });
  });

  describe('the jsonl claim is keyed on the real file', () => {
    it('a symlink to a file this process has claimed is refused (before: a second lock, link.jsonl.lock, was taken)', () => {
      const real = join(dir, 'o.jsonl');
      const link = join(dir, 'link.jsonl');
      symlinkSync('o.jsonl', link);
      const claim = claimFile('--reporter jsonl:o.jsonl', real);
      try {
        assert.throws(() => claimFile(`--reporter jsonl:${link}`, link), reporterError(/is given twice in this run/));
        assert.ok(!existsSync(`${link}.lock`));
      } finally {
        claim.release();
      }
      assert.ok(!existsSync(`${realPathOf(real)}.lock`), 'released');
    });

    it('a run given a symlink to a file another live run is writing is refused: exit 2, nothing run', () => {
      const real = join(dir, 'o.jsonl');
      const link = join(dir, 'link.jsonl');
      writeFileSync(real, '');
      symlinkSync('o.jsonl', link);
      // The other run: this test process, alive on this host, holding the real file's lock.
      writeFileSync(`${realPathOf(real)}.lock`, `${JSON.stringify({ pid: process.pid, hostname: hostname(), since: '2024-01-01T00:00:00.000Z' })}\n`);
      const r = stress([...RUN, '--reporter', `jsonl:${link}`], {}, 60_000);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, new RegExp(`--reporter jsonl:.*link\\.jsonl: ".*link\\.jsonl" is being written by another stress run \\(pid ${process.pid} on `));
      assert.equal(r.out, '', 'nothing ran');
      assert.ok(existsSync(`${realPathOf(real)}.lock`), "the other run's lock is left alone");
    });
  });

  describe('two reporters of any kinds writing one file are refused before the run, naming both', () => {
    const cases: Array<[string, (d: string) => string[], RegExp]> = [
      ['--reporter jsonl:X --json X', (d) => ['--reporter', `jsonl:${d}/X`, '--json', `${d}/X`], /--json ".*\/X": ".*\/X" is given twice in this run; give each reporter its own file \(--reporter jsonl:.*\/X and --json ".*\/X" both write ".*\/X", and one report would overwrite the other\); nothing was run \[ERR_REPORTER\]/],
      ['--reporter junit:X --reporter html:X', (d) => ['--reporter', `junit:${d}/X`, '--reporter', `html:${d}/X`], /--reporter html:.*\/X: .* \(--reporter junit:.*\/X and --reporter html:.*\/X both write /],
      ['another spelling: markdown:out/X and json:out/../out/X', (d) => ['--reporter', `markdown:${d}/out/X`, '--reporter', `json:${d}/out/../out/X`], /--reporter json:.*\/out\/\.\.\/out\/X: .*given twice in this run.*--reporter markdown:.*\/out\/X and --reporter json:/],
    ];
    for (const [label, flags, message] of cases) {
      it(label, () => {
        const r = stress([...RUN, ...flags(dir)], {}, 60_000);
        assert.equal(r.code, 2, r.out + r.err);
        assert.match(r.err, message);
        assert.equal(r.out, '', 'nothing ran');
        assert.ok(!existsSync(join(dir, 'X')) && !existsSync(join(dir, 'out')), 'nothing was written or created');
      });
    }

    it('different files, and markdown to the terminal, are fine', () => {
      refuseSharedReportFiles([
        { label: '--json "a.json"', path: join(dir, 'a.json') },
        { label: '--reporter jsonl:a.jsonl', path: join(dir, 'a.jsonl') },
      ]);
      const r = stress([...RUN, '--json', join(dir, 'a.json'), '--reporter', `jsonl:${join(dir, 'a.jsonl')}`, '--reporter', 'markdown', '--reporter', 'console'], {}, 60_000);
      assert.equal(r.code, 0, r.err);
      assert.ok(existsSync(join(dir, 'a.json')) && existsSync(join(dir, 'a.jsonl')));
    });
  });
});

/**
 * A shard's exit code judges its correct variants only (issue 18, item 7): a shard whose correct
 * variant failed exits 1, as jest's or playwright's shard jobs go red; a canary that survives
 * within one shard does not fail it (another shard may catch it), and `stress merge` of all the
 * shards gives the canary verdict. An unsharded run keeps failing on a surviving canary.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stress } from '../helpers/cli.js';

/** Two variants, one per shard at --shard i/2: a correct one (holds or fails as `correct` says) and a canary that never fails (it survives). */
function suiteSource(correctHolds: boolean): string {
  return `export default {
  name: 'shard-exit', description: 'fixture', threads: [1],
  variants: { correct: { description: 'a correct variant' }, planted: { description: 'a canary whose bug never shows', canary: true, bug: 'none that shows' } },
  setup: () => null, actor: () => null,
  invariants: { holds: (_s, _r, ctx) => ctx.variant === 'planted' || ${correctHolds} },
};
`;
}

describe('cli: a shard judges its correct variants; canaries are judged by the merge', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-shard-exit-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a surviving canary does not fail its shard, and fails the merge and the unsharded run', () => {
    const suite = join(dir, 'holds.mjs');
    writeFileSync(suite, suiteSource(true));
    const common = ['--runs', '20', '--jitter', 'none', '--schedule', 'free', '--seed', 'shard-exit'];
    const files: string[] = [];
    for (const i of [1, 2]) {
      const file = join(dir, `shard-${i}.jsonl`);
      files.push(file);
      const r = stress(['run', suite, ...common, '--shard', `${i}/2`, '--reporter', `jsonl:${file}`, '--reporter', 'console']);
      assert.equal(r.code, 0, `shard ${i}/2: ${r.out}${r.err}`);
    }
    const merged = stress(['merge', ...files]);
    assert.equal(merged.code, 1, merged.out + merged.err);
    assert.match(merged.out, /SURVIVED/);
    // Removing the surviving canary's record by hand does not turn the merge green: it is refused.
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      const kept = lines.filter((l) => !/"variant":"planted"/.test(l));
      if (kept.length < lines.length) writeFileSync(join(dir, 'cut.jsonl'), `${kept.join('\n')}\n`);
      else writeFileSync(join(dir, 'whole.jsonl'), `${lines.join('\n')}\n`);
    }
    const cut = stress(['merge', join(dir, 'cut.jsonl'), join(dir, 'whole.jsonl')]);
    assert.equal(cut.code, 2, cut.out + cut.err);
    assert.match(cut.err, /1 planned configuration has no result \(shard-exit\/planted\/t1\/c-all\/j-none\).*a record was removed/);
    const whole = stress(['run', suite, ...common]);
    assert.equal(whole.code, 1, whole.out + whole.err);
  });

  it('shard 1 of 1 is the whole matrix: a surviving canary fails it and its merge; a results file whose shard field is malformed is refused', () => {
    const suite = join(dir, 'holds.mjs');
    writeFileSync(suite, suiteSource(true));
    const file = join(dir, 'one-of-one.jsonl');
    const r = stress(['run', suite, '--runs', '20', '--jitter', 'none', '--schedule', 'free', '--seed', 'shard-exit', '--shard', '1/1', '--reporter', `jsonl:${file}`]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.equal(stress(['merge', file]).code, 1);
    assert.equal(stress(['report', file]).code, 1);
    // Hand-edited: a shard field that is not a well-formed i/n must not switch canary judging off.
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const shard of [null, 0, false, 'x', {}, { index: 2, total: 1 }]) {
      const header = JSON.parse(lines[0]!) as { settings: Record<string, unknown> };
      header.settings.shard = shard;
      const edited = join(dir, 'edited.jsonl');
      writeFileSync(edited, [JSON.stringify(header), ...lines.slice(1)].join('\n'));
      const rep = stress(['report', edited]);
      assert.equal(rep.code, 2, `shard ${JSON.stringify(shard)}: ${rep.out}${rep.err}`);
      assert.match(rep.err, /shard .* is not \{"index": i, "total": n\}/);
    }
  });

  it('a shard whose correct variant failed exits 1', () => {
    const suite = join(dir, 'fails.mjs');
    writeFileSync(suite, suiteSource(false));
    const codes = [1, 2].map((i) => stress(['run', suite, '--runs', '20', '--jitter', 'none', '--schedule', 'free', '--seed', 'shard-exit', '--shard', `${i}/2`]));
    // One shard has the correct variant (it fails: exit 1), the other the surviving canary (exit 0).
    assert.deepEqual(codes.map((r) => r.code).sort(), [0, 1], codes.map((r) => r.out + r.err).join('\n'));
  });
});

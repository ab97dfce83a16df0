/**
 * The CI recipes people copy (docs/ci.md, examples/09-ci) are valid YAML and
 * hold together: the GitHub workflow has jobs, every GitLab job's stage is
 * declared in `stages`, and the Kubernetes soak runs in soak mode.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/09-ci');

type Yaml = Record<string, unknown>;

function parse(text: string, where: string): Yaml {
  const doc = parseDocument(text);
  assert.deepEqual(doc.errors.map((e) => e.message), [], `${where}: YAML errors`);
  const value = doc.toJS() as unknown;
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `${where}: a mapping at the top`);
  return value as Yaml;
}

function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

function checkGithub(y: Yaml, where: string): void {
  assert.ok(typeof y.jobs === 'object' && y.jobs !== null, `${where}: jobs`);
  for (const [name, job] of Object.entries(y.jobs as Record<string, Yaml>)) {
    assert.ok(Array.isArray(job.steps) && job.steps.length > 0, `${where}: job ${name} has steps`);
    for (const step of job.steps as Yaml[]) assert.ok(step.uses !== undefined || step.run !== undefined, `${where}: job ${name}: every step uses an action or runs a command`);
  }
}

function checkGitlab(y: Yaml, where: string): void {
  assert.ok(Array.isArray(y.stages), `${where}: stages is a list`);
  const jobs = Object.entries(y).filter(([, v]) => typeof v === 'object' && v !== null && 'script' in v) as Array<[string, Yaml]>;
  assert.ok(jobs.length > 0, `${where}: jobs`);
  for (const [name, job] of jobs) {
    assert.ok(job.stage === undefined || (y.stages as unknown[]).includes(job.stage), `${where}: job ${name}: stage ${String(job.stage)} is listed in stages`);
  }
}

describe('docs/ci.md and examples/09-ci: CI recipes', () => {
  const doc = readFileSync(join(ROOT, 'docs/ci.md'), 'utf8');
  const blocks = yamlBlocks(doc);

  it('has the GitHub Actions, GitLab CI, Kubernetes and nightly big-runner recipes as yaml blocks', () => {
    assert.equal(blocks.length, 4);
  });

  it('every yaml block parses, and each recipe holds together', () => {
    const seen = new Set<string>();
    for (const [i, text] of blocks.entries()) {
      const where = `docs/ci.md yaml block ${i + 1}`;
      const y = parse(text, where);
      if ('jobs' in y) {
        checkGithub(y, where);
        seen.add('github');
        // The nightly recipe fills a big runner: a soak (checkpoints after each pass) with --jobs.
        if ('soak' in (y.jobs as Yaml)) {
          const args = JSON.stringify(y);
          assert.match(args, /npx stress run --duration \S+/, `${where}: the nightly soak runs in soak mode`);
          assert.match(args, /--jobs auto/, `${where}: the nightly soak uses every core`);
          seen.add('nightly');
        }
      } else if (y.kind === 'Job') {
        const args = JSON.stringify(y);
        assert.match(args, /npx stress run --duration \S+/, `${where}: a soak runs in soak mode (--duration), which checkpoints after each pass`);
        assert.doesNotMatch(args, /--time-budget 8h/);
        seen.add('kubernetes');
      } else {
        checkGitlab(y, where);
        seen.add('gitlab');
      }
    }
    assert.deepEqual([...seen].sort(), ['github', 'gitlab', 'kubernetes', 'nightly']);
  });

  it('examples/09-ci: every yaml file parses; the workflow has jobs', () => {
    const files = readdirSync(EXAMPLE).filter((f) => /\.ya?ml$/.test(f));
    assert.ok(files.length > 0);
    for (const f of files) {
      const y = parse(readFileSync(join(EXAMPLE, f), 'utf8'), `examples/09-ci/${f}`);
      if ('jobs' in y) checkGithub(y, `examples/09-ci/${f}`);
      else if ('stages' in y) checkGitlab(y, `examples/09-ci/${f}`);
    }
    for (const [i, text] of yamlBlocks(readFileSync(join(EXAMPLE, 'README.md'), 'utf8')).entries()) parse(text, `examples/09-ci/README.md yaml block ${i + 1}`);
  });
});

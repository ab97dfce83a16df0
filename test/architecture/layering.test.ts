/**
 * The structure docs/architecture.md draws, held against the imports: the core never reaches
 * into a front end or a reporter, suites see only their API, and no import cycle comes back.
 * The rules are checked on a small made-up graph too, so a rule that could never fail is seen.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { type ImportGraph, importCycles, importGraph, importsBetween } from '../helpers/import-graph.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCE_DIRS = ['harness', 'reporters', 'suites', 'bench', 'examples'];

const isCore = (f: string): boolean => f.startsWith('harness/core/');
const isFrontEnd = (f: string): boolean => f.startsWith('harness/cli/') || f.startsWith('harness/mocha/') || f === 'harness/index.ts';
const isReporter = (f: string): boolean => f.startsWith('reporters/');
const isSuite = (f: string): boolean => f.startsWith('suites/');
/** What a suite may import besides other suite files (and @shakedown/primitives, a package): the suite API and the conformance contract. */
const isSuiteApi = (f: string): boolean => f === 'harness/suite-api.ts' || f.startsWith('harness/contract/');

/** Every rule of the layering, as the broken imports it finds. */
function brokenRules(graph: ImportGraph): Record<string, string[]> {
  return {
    'the core imports a front end': importsBetween(graph, isCore, isFrontEnd),
    'the core imports a reporter': importsBetween(graph, isCore, isReporter),
    'a reporter imports a front end': importsBetween(graph, isReporter, isFrontEnd),
    'the mocha helper imports the CLI': importsBetween(graph, (f) => f.startsWith('harness/mocha/'), (f) => f.startsWith('harness/cli/')),
    'a suite imports more than the suite API': importsBetween(graph, isSuite, (f) => !isSuite(f) && !isSuiteApi(f)),
    'the suite API imports a front end or a reporter': importsBetween(graph, isSuiteApi, (f) => isFrontEnd(f) || isReporter(f)),
    'an import cycle': importCycles(graph).map((c) => c.join(' <-> ')),
  };
}

describe('architecture: layering', function () {
  this.timeout(60_000);

  it('holds for the repository', () => {
    const graph = importGraph(ROOT, SOURCE_DIRS);
    assert.ok(graph.size > 100, `read ${graph.size} source files: the sources were not found under ${ROOT}`);
    assert.ok([...graph.keys()].some(isCore) && [...graph.keys()].some(isFrontEnd), 'the core and the front ends were both read');
    const broken = Object.entries(brokenRules(graph)).filter(([, found]) => found.length > 0);
    assert.deepEqual(broken, [], broken.map(([rule, found]) => `${rule}:\n  ${found.join('\n  ')}`).join('\n'));
  });

  it('finds each kind of broken rule in a made-up graph', () => {
    const graph: ImportGraph = new Map([
      ['harness/core/run.ts', ['harness/cli/main.ts', 'reporters/console.ts', 'harness/core/plan/plan.ts']],
      ['harness/core/plan/plan.ts', ['harness/core/run.ts']],
      ['harness/cli/main.ts', []],
      ['harness/mocha/options.ts', ['harness/cli/parse.ts']],
      ['reporters/console.ts', ['harness/index.ts']],
      ['suites/counter.ts', ['harness/suite-api.ts', 'harness/core/grade/grade.ts', 'suites/lib/coord.ts']],
      ['harness/contract/check.ts', ['reporters/words.ts']],
    ]);
    const broken = brokenRules(graph);
    assert.deepEqual(broken['the core imports a front end'], ['harness/core/run.ts -> harness/cli/main.ts']);
    assert.deepEqual(broken['the core imports a reporter'], ['harness/core/run.ts -> reporters/console.ts']);
    assert.deepEqual(broken['a reporter imports a front end'], ['reporters/console.ts -> harness/index.ts']);
    assert.deepEqual(broken['the mocha helper imports the CLI'], ['harness/mocha/options.ts -> harness/cli/parse.ts']);
    assert.deepEqual(broken['a suite imports more than the suite API'], ['suites/counter.ts -> harness/core/grade/grade.ts']);
    assert.deepEqual(broken['the suite API imports a front end or a reporter'], ['harness/contract/check.ts -> reporters/words.ts']);
    assert.deepEqual(broken['an import cycle'], ['harness/core/plan/plan.ts <-> harness/core/run.ts']);
  });

  it('reads type-only imports and export-from as imports', () => {
    const graph = importGraph(ROOT, ['harness']);
    // Known edges of each form, so a reader that missed one form would fail here.
    assert.ok(graph.get('harness/core/events.ts')?.includes('harness/core/grade/results.ts'), 'import type');
    assert.ok(graph.get('harness/index.ts')?.includes('harness/core/run.ts'), 'export { } from');
  });
});

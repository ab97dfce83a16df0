/**
 * Loads a suite module by URL and checks its shape, so a malformed suite is
 * reported as such (naming the missing member) before any trial runs.
 */
import type { SuiteDefinition } from '../../suite-api.js';
import { HarnessError } from '../shared/errors.js';
import { RESERVED_INVARIANTS } from '../grade/harness-invariants.js';
import { importUserModule } from '../shared/import-module.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySuite = SuiteDefinition<any, any, any>;

const cache = new Map<string, Promise<AnySuite>>();

export function loadSuite(url: string): Promise<AnySuite> {
  let p = cache.get(url);
  if (p === undefined) {
    p = importSuite(url);
    cache.set(url, p);
  }
  return p;
}

async function importSuite(url: string): Promise<AnySuite> {
  const mod = await importUserModule(url, 'ERR_SUITE_LOAD', 'suite');
  const suite = (mod.default ?? mod.suite);
  checkSuiteShape(suite, url);
  return suite as AnySuite;
}

export function checkSuiteShape(suite: unknown, where: string): void {
  const problems: string[] = [];
  if (typeof suite !== 'object' || suite === null) {
    throw new HarnessError('ERR_SUITE_SHAPE', `${where}: expected a default export made with defineSuite({...}), got ${typeof suite}`);
  }
  const s = suite as Record<string, unknown>;
  if (typeof s.name !== 'string' || s.name === '') problems.push('name (a non-empty string)');
  if (typeof s.description !== 'string') problems.push('description (a string)');
  if (typeof s.setup !== 'function') problems.push('setup (a function building one trial\'s state)');
  if (typeof s.actor !== 'function') problems.push('actor (a function run by each thread)');
  if (typeof s.invariants !== 'object' || s.invariants === null || Object.keys(s.invariants).length === 0) {
    problems.push('invariants (an object of named check functions, at least one)');
  } else {
    for (const [k, v] of Object.entries(s.invariants)) if (typeof v !== 'function') problems.push(`invariants.${k} (a function)`);
    const reserved = Object.keys(s.invariants).filter((k) => RESERVED_INVARIANTS.includes(k));
    if (reserved.length > 0) {
      throw new HarnessError(
        'ERR_SUITE_SHAPE',
        `${where}: invariant name${reserved.length > 1 ? 's' : ''} ${reserved.map((k) => JSON.stringify(k)).join(', ')} ${reserved.length > 1 ? 'are' : 'is'} reserved for the harness's own checks (${RESERVED_INVARIANTS.map((k) => JSON.stringify(k)).join(', ')}); rename ${reserved.length > 1 ? 'them' : 'it'}`,
      );
    }
  }
  if (s.threads !== undefined && (!Array.isArray(s.threads) || !s.threads.every((n) => Number.isInteger(n) && (n as number) >= 1))) {
    problems.push('threads (an array of positive integers)');
  }
  if (s.minThreads !== undefined && !(Number.isInteger(s.minThreads) && (s.minThreads as number) >= 1)) {
    problems.push('minThreads (a positive integer)');
  }
  if (s.controlled !== undefined && typeof s.controlled !== 'boolean') problems.push('controlled (true or false)');
  if (s.variants !== undefined && (typeof s.variants !== 'object' || s.variants === null || Object.keys(s.variants).length === 0)) {
    problems.push('variants (an object with at least one variant)');
  }
  if (problems.length > 0) {
    throw new HarnessError('ERR_SUITE_SHAPE', `${where}: suite is missing or has a wrong ${problems.join(', ')}`);
  }
}

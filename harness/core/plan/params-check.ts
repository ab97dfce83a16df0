/**
 * Parameters given for a run (--param, the config file's params) must be ones the run's suites
 * declare: a misspelt name would otherwise run every configuration with the default value and exit
 * 0, a result about a run nobody asked for.
 */
import { closestName } from '../shared/closest-name.js';
import type { AnySuite } from './load-suite.js';
import type { Params } from '../../suite-api.js';
import { HarnessError } from '../shared/errors.js';

/** The names the suites declare, in their params or any variant's. */
function declaredNames(suites: AnySuite[]): Set<string> {
  const names = new Set<string>();
  for (const suite of suites) {
    const declared: Params = (suite.params ?? {}) as Params;
    for (const name of Object.keys(declared)) names.add(name);
    for (const variant of Object.values(suite.variants ?? {})) for (const name of Object.keys((variant.params ?? {}) as Params)) names.add(name);
  }
  return names;
}

/** Throws ERR_USAGE for a parameter no suite of the run declares, listing the ones they do. */
export function checkParamsDeclared(params: Params, suites: AnySuite[]): void {
  const known = declaredNames(suites);
  for (const name of Object.keys(params)) {
    if (known.has(name)) continue;
    const suggestion = closestName(name, known);
    const list = known.size === 0 ? 'the selected suites declare no parameters' : `they declare: ${[...known].sort().join(', ')}`;
    throw new HarnessError(
      'ERR_USAGE',
      `param ${JSON.stringify(name)}: no suite of this run declares it${suggestion !== undefined ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}; ${list}`,
    );
  }
}

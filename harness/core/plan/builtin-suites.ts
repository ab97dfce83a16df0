/** The suites shipped with shakedown, by name. The harness knows them only by module path. */
import { IMPL_KINDS } from '../../contract/types.js';

const at = (path: string): string => new URL(`../../../suites/${path}.js`, import.meta.url).href;

/**
 * The directory of the shipped suites and of the modules they load (suites/impls, the
 * suites/gallery canaries): what a replay token may name inside shakedown's own package.
 */
export const BUILTIN_SUITES_DIR = new URL('../../../suites/', import.meta.url);

/** What `stress run` with no suite names runs. */
export const DEFAULT_SUITES = ['counter', 'producer-consumer', 'barrier-start', 'deadlock', 'executor'];

/** Conformance suites by implementation kind (docs/contracts.md); `stress run conformance` runs them all. */
export const CONFORMANCE_SUITES: Record<string, string> = Object.fromEntries(IMPL_KINDS.map((kind) => [kind, `conformance/${kind}`]));

export const BUILTIN_SUITES: Record<string, string> = {
  counter: at('counter'),
  'producer-consumer': at('producer-consumer'),
  'barrier-start': at('barrier-start'),
  deadlock: at('deadlock'),
  executor: at('executor'),
  ...Object.fromEntries(Object.values(CONFORMANCE_SUITES).map((name) => [name, at(name)])),
};

/** Names that stand for several suites. */
export const SUITE_GROUPS: Record<string, string[]> = {
  conformance: Object.values(CONFORMANCE_SUITES),
};

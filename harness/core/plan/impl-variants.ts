/**
 * The plan's part for conformance suites (docs/contracts.md): which suites a
 * run selects, and which implementations each suite runs against. Without
 * --impl a conformance suite runs its own variants (our primitive, and the
 * gallery of broken ones as canaries); with `--impl lock=./x.js` the lock
 * suite runs the user's module alone, as one variant named after it.
 */
import { CONFORMANCE_SUITES, DEFAULT_SUITES, SUITE_GROUPS } from './builtin-suites.js';
import { checkImpl } from '../../contract/load-impl.js';
import { IMPL_KINDS, isImplKind } from '../../contract/types.js';
import { HarnessError } from '../shared/errors.js';
import type { AnySuite } from './load-suite.js';
import type { VariantSpec } from '../../suite-api.js';

/** kind -> implementation module URL. */
export type Impls = Record<string, string>;

export interface PlannedVariant {
  spec: VariantSpec;
  /** The implementation's name, for conformance suites. */
  impl?: string;
  maxThreads?: number;
}

/** Suite references after defaults and groups: no names = the core suites, or the conformance suites of the --impl kinds. */
export function expandSuiteRefs(refs: string[], impls: Impls = {}): string[] {
  const kinds = Object.keys(impls);
  for (const k of kinds) {
    if (!isImplKind(k)) throw new HarnessError('ERR_USAGE', `--impl: unknown kind ${JSON.stringify(k)}; expected one of ${IMPL_KINDS.join(', ')}`);
  }
  if (refs.length === 0) return kinds.length > 0 ? kinds.map((k) => CONFORMANCE_SUITES[k]!) : DEFAULT_SUITES;
  return refs.flatMap((r) => SUITE_GROUPS[r] ?? [r]);
}

/** The variants a suite runs in this plan, with the implementation each names. */
export async function plannedVariants(suite: AnySuite, impls: Impls = {}): Promise<Record<string, PlannedVariant>> {
  const variants: Record<string, VariantSpec> = suite.variants ?? { default: { description: suite.description } };
  const kind = suite.implKind;
  if (kind === undefined) return Object.fromEntries(Object.entries(variants).map(([n, spec]) => [n, { spec }]));
  const userUrl = impls[kind];
  if (userUrl !== undefined) {
    // The user's module replaces every variant; the gallery canaries are ours to prove the suites, not theirs.
    const impl = await checkImpl(userUrl, kind);
    const spec: VariantSpec = { description: `${kind} implementation ${impl.name} (${userUrl})`, params: { impl: userUrl } };
    return { [impl.name]: { spec, impl: impl.name, ...(impl.maxThreads !== undefined ? { maxThreads: impl.maxThreads } : {}) } };
  }
  const out: Record<string, PlannedVariant> = {};
  for (const [name, spec] of Object.entries(variants)) {
    const url = (spec.params as { impl?: unknown } | undefined)?.impl ?? (suite.params as { impl?: unknown } | undefined)?.impl;
    if (typeof url !== 'string') throw new HarnessError('ERR_SUITE_SHAPE', `${suite.name}: variant ${name} has no params.impl (the implementation module URL)`);
    const impl = await checkImpl(url, kind);
    out[name] = { spec, impl: impl.name, ...(impl.maxThreads !== undefined ? { maxThreads: impl.maxThreads } : {}) };
  }
  return out;
}

/** Every --impl kind must have a selected suite, or the flag would silently do nothing. */
export function checkImplsUsed(impls: Impls, suites: AnySuite[]): void {
  for (const kind of Object.keys(impls)) {
    if (!suites.some((s) => s.implKind === kind)) {
      throw new HarnessError('ERR_USAGE', `--impl ${kind}=...: no ${kind} conformance suite is selected (add ${CONFORMANCE_SUITES[kind]} or leave out the suite names)`);
    }
  }
}

/** Thread counts an implementation allows (a single-producer single-consumer queue declares maxThreads 2). */
export function allowedThreads(threads: number[], v: PlannedVariant, suiteName: string, variant: string): number[] {
  if (v.maxThreads === undefined) return threads;
  const ok = threads.filter((t) => t <= v.maxThreads!);
  if (ok.length === 0) {
    throw new HarnessError('ERR_USAGE', `${suiteName}/${variant}: the implementation declares maxThreads ${v.maxThreads}; thread counts ${threads.join(',')} leave nothing to run`);
  }
  return ok;
}

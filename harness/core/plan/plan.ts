/**
 * The plan: suites x variants x threads x schedules -> a list of configurations, each with a
 * stable key. A free-running schedule expands into cores x jitter; a controlled one is a single
 * configuration at cores 'all' and jitter 'none' (schedule-axis.ts says why). Deterministic: the
 * same options give the same list in the same order.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BUILTIN_SUITES } from './builtin-suites.js';
import { unknownSuiteError } from './unknown-suite.js';
import { HarnessError } from '../shared/errors.js';
import { checkParamsDeclared } from './params-check.js';
import { jitterProfile } from '../execute/jitter.js';
import { skipReason } from './config-skip.js';
import { type AnySuite, loadSuite } from './load-suite.js';
import type { Configuration } from '../grade/results.js';
import type { Params } from '../../suite-api.js';
import { DEFAULT_CORES, DEFAULT_JITTER, DEFAULT_SCHEDULE, DEFAULT_THREADS } from '../settings/defaults.js';
import { CONTROLLED_CORES, CONTROLLED_JITTER, isControlled, isScheduleName, scheduleKeySuffix, scheduleNameProblem } from './schedule-axis.js';
import type { ScheduleName } from '../schedule/types.js';
import { allowedThreads, checkImplsUsed, expandSuiteRefs, type Impls, plannedVariants } from './impl-variants.js';

export interface PlanOptions {
  /** Built-in suite names or paths to suite files; empty: every built-in suite. */
  suites: string[];
  threads?: number[];
  cores?: Array<'all' | number>;
  jitter?: string[];
  /** The schedule axis (schedule-axis.ts); default DEFAULT_SCHEDULE. */
  schedule?: readonly string[];
  /** Only configurations whose key matches. */
  grep?: string;
  /** Parameter overrides for every suite. */
  params?: Params;
  /** Implementation modules by kind (file URLs) for the conformance suites: `--impl lock=./x.js`. */
  impls?: Impls;
  seed: string;
}

export interface PlannedConfig {
  config: Configuration;
  suite: AnySuite;
  /** Set when this configuration cannot run here. */
  skip?: string;
}

/**
 * What names a configuration: its key is made of these, and the seed of each of its trials is
 * derived from the key. The schedule is absent (or 'free') for free-running stress.
 */
export type ConfigCoordinates = Pick<Configuration, 'suite' | 'variant' | 'threads' | 'cores' | 'jitter'> & { schedule?: ScheduleName };

/**
 * A configuration's key. The plan and `stress replay` both build keys here: a replay that built
 * another key would derive other trial seeds and replay nothing of the run. A controlled
 * configuration's key ends in its schedule (`/s-ctl`, `/s-pct3`); a free one's has no suffix, so
 * the keys of runs from before the schedule axis are unchanged.
 */
export function configKey(c: ConfigCoordinates): string {
  return `${c.suite}/${c.variant}/t${c.threads}/c-${c.cores}/j-${c.jitter}${scheduleKeySuffix(c.schedule)}`;
}

/** The configurations one schedule plans for one thread count: cores x jitter free-running, or the single controlled one. */
function scheduleCells(schedule: ScheduleName, cores: ReadonlyArray<'all' | number>, jitters: readonly string[]): Array<{ cores: 'all' | number; jitter: string }> {
  if (isControlled(schedule)) return [{ cores: CONTROLLED_CORES, jitter: CONTROLLED_JITTER }];
  return cores.flatMap((c) => jitters.map((jitter) => ({ cores: c, jitter })));
}

/** The schedule axis, checked (run() and the CLI have checked it already; a direct caller of plan() may not have). */
function scheduleAxis(given: readonly string[] | undefined): ScheduleName[] {
  return (given ?? DEFAULT_SCHEDULE).map((name) => {
    if (!isScheduleName(name)) throw new HarnessError('ERR_USAGE', `schedule: ${scheduleNameProblem(name) ?? 'not a schedule'}`);
    return name;
  });
}

export function resolveSuiteUrl(ref: string): string {
  const builtin = BUILTIN_SUITES[ref];
  if (builtin !== undefined) return builtin;
  const path = resolve(ref);
  if (!existsSync(path)) throw unknownSuiteError(ref);
  if (path.endsWith('.ts')) {
    throw new HarnessError('ERR_SUITE_LOAD', `${ref}: Node 20 cannot import .ts files; compile the suite to .js (tsc) and pass the .js file`);
  }
  return pathToFileURL(path).href;
}

export async function plan(options: PlanOptions, hasAffinity: boolean): Promise<PlannedConfig[]> {
  const refs = expandSuiteRefs(options.suites, options.impls);
  const jitters = options.jitter ?? DEFAULT_JITTER;
  for (const j of jitters) jitterProfile(j);
  const cores = options.cores ?? DEFAULT_CORES;
  const schedules = scheduleAxis(options.schedule);
  const grep = options.grep === undefined ? undefined : new RegExp(options.grep);
  const available = availableParallelism();
  const out: PlannedConfig[] = [];
  const seenUrls = new Set<string>();
  const seenKeys = new Set<string>();
  const suites: Array<{ url: string; suite: AnySuite }> = [];
  for (const ref of refs) {
    const url = resolveSuiteUrl(ref);
    // The same suite named twice runs once: keys must stay unique (reports and shard merges are keyed by them).
    if (seenUrls.has(url)) continue;
    seenUrls.add(url);
    suites.push({ url, suite: await loadSuite(url) });
  }
  checkImplsUsed(options.impls ?? {}, suites.map((s) => s.suite));
  checkParamsDeclared(options.params ?? {}, suites.map((s) => s.suite));
  for (const { url, suite } of suites) {
    for (const [variant, v] of Object.entries(await plannedVariants(suite, options.impls))) {
      const spec = v.spec;
      const params = { ...(suite.params ?? {}), ...(spec.params ?? {}), ...(options.params ?? {}) } as Params;
      const threadCounts = allowedThreads(options.threads ?? spec.threads ?? suite.threads ?? [...DEFAULT_THREADS], v, suite.name, variant);
      for (const threads of threadCounts) {
        for (const schedule of schedules) {
          for (const { cores: c, jitter } of scheduleCells(schedule, cores, jitters)) {
            const key = configKey({ suite: suite.name, variant, threads, cores: c, jitter, schedule });
            if (grep !== undefined && !grep.test(key)) continue;
            if (seenKeys.has(key)) {
              throw new HarnessError('ERR_USAGE', `two suites produce the configuration ${key}: suite names must be unique within a run`);
            }
            seenKeys.add(key);
            const config: Configuration = {
              key,
              suite: suite.name,
              suiteUrl: url,
              variant,
              canary: spec.canary === true,
              threads,
              cores: c,
              jitter,
              params,
              seed: options.seed,
            };
            if (spec.bug !== undefined) config.bug = spec.bug;
            if (v.impl !== undefined) config.impl = v.impl;
            if (isControlled(schedule)) config.schedule = schedule;
            const planned: PlannedConfig = { config, suite };
            const skip = skipReason(suite, { threads, cores: c, schedule }, { hasAffinity, available });
            if (skip !== undefined) planned.skip = skip;
            out.push(planned);
          }
        }
      }
    }
  }
  return out;
}

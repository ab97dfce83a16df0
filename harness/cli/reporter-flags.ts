/** The flags every command that reports shares: --reporter, --junit-flaky, --reporter-option. */
import { HarnessError } from '../core/shared/errors.js';
import { type ReporterSpec, parseReporterSpec } from './reporter-spec.js';

export const REPORTER_FLAGS = {
  reporter: { type: 'string', multiple: true },
  'junit-flaky': { type: 'string' },
  'reporter-option': { type: 'string', multiple: true },
} as const;

export const JUNIT_FLAKY_MODES = ['failure', 'surefire', 'repeat'] as const;

export interface ReporterSettings {
  specs: ReporterSpec[];
  options: Record<string, string>;
  /** Said on stderr before anything runs (a flaky encoding that some consumers show as a pass). */
  warnings: string[];
}

/**
 * What each non-default flaky encoding does to a race in the consumers checked (docs/reporters.md):
 * said loudly, since a race shown as a pass is exactly what this tool exists to prevent.
 */
const FLAKY_WARNINGS: Record<string, string> = {
  surefire:
    '--junit-flaky surefire: a flaky invariant (a race seen in some trials) is written as a PASSING testcase with <flakyFailure>: dorny/test-reporter, GitLab and test-results-parser show it as a pass, and only recent Jenkins junit plugins read flakyFailure at all; the default (failure) fails it everywhere',
  repeat:
    '--junit-flaky repeat: a flaky invariant is written twice, failed then passed: GitLab lists the test as both failed and passed, and mikepenz/action-junit-report with check_retries reports 0 failures; the default (failure) fails it everywhere',
};

/**
 * The command line's own reporter options (before a config file's are added, which flags may
 * override): one key twice, or --junit-flaky beside --reporter-option junit.flaky=, would keep
 * one of them silently.
 */
export function refuseRepeatedReporterOptions(flags: Record<string, unknown>): void {
  const seen = new Set<string>();
  for (const raw of (flags['reporter-option'] as string[] | undefined) ?? []) {
    const key = raw.slice(0, Math.max(0, raw.indexOf('=')));
    if (key === '') continue; // not key=value: refused with its own message
    if (seen.has(key)) throw new HarnessError('ERR_USAGE', `--reporter-option: ${key} is given twice; give each key once`);
    seen.add(key);
  }
  if (flags['junit-flaky'] !== undefined && seen.has('junit.flaky')) {
    throw new HarnessError('ERR_USAGE', '--junit-flaky and --reporter-option junit.flaky= both set the flaky encoding; give one');
  }
}

/**
 * `fallback`: the specs to use when no --reporter flag was given (a config file's `reporters`).
 * `flakyFrom`: where the flaky encoding was written, when not on the command line (a config file's junitFlaky).
 */
export function reporterSettingsFrom(values: Record<string, unknown>, fallback: ReporterSpec[] = [], flakyFrom?: string): ReporterSettings {
  const flags = values.reporter as string[] | undefined;
  const specs = flags !== undefined ? flags.map((raw) => parseReporterSpec(raw)) : fallback;
  const options: Record<string, string> = {};
  for (const raw of (values['reporter-option'] as string[] | undefined) ?? []) {
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new HarnessError('ERR_USAGE', `--reporter-option: ${JSON.stringify(raw)} is not key=value`);
    options[raw.slice(0, eq)] = raw.slice(eq + 1);
  }
  const flaky = values['junit-flaky'] as string | undefined;
  if (flaky !== undefined) options['junit.flaky'] = flaky;
  const mode = options['junit.flaky'];
  if (mode !== undefined && !(JUNIT_FLAKY_MODES as readonly string[]).includes(mode)) {
    const label = flaky !== undefined ? '--junit-flaky' : '--reporter-option junit.flaky';
    throw new HarnessError('ERR_USAGE', `${label}: ${JSON.stringify(mode)} is not a flaky encoding; expected one of ${JUNIT_FLAKY_MODES.join(', ')}`);
  }
  const junit = specs.some((spec) => spec.kind === 'builtin' && spec.name === 'junit');
  const warnings = mode !== undefined && FLAKY_WARNINGS[mode] !== undefined && junit ? [FLAKY_WARNINGS[mode]] : [];
  // Only the JUnit reporter reads it: without one, a user who asked for an encoding would get none and not know.
  if (mode !== undefined && !junit) {
    const from = flakyFrom ?? (flaky !== undefined ? `--junit-flaky ${mode}` : `--reporter-option junit.flaky=${mode}`);
    warnings.push(`${from} has no effect: there is no junit reporter in this run (add --reporter junit:FILE)`);
  }
  return { specs, options, warnings };
}

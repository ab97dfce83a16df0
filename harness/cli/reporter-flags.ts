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
}

export function reporterSettingsFrom(values: Record<string, unknown>): ReporterSettings {
  const specs = ((values.reporter as string[] | undefined) ?? []).map(parseReporterSpec);
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
    throw new HarnessError('ERR_USAGE', `--junit-flaky: ${JSON.stringify(mode)} is not a flaky encoding; expected one of ${JUNIT_FLAKY_MODES.join(', ')}`);
  }
  return { specs, options };
}

/**
 * A suite name that is neither built in nor a file. The built-ins are listed and the closest one
 * suggested (`countr` -> counter), and a name from a config file is shown as written there, with
 * the path it was looked for at: resolved against the file's directory, `countr` alone read as
 * "/tmp/proj/countr", a path the user never wrote.
 */
import { HarnessError } from '../shared/errors.js';
import { didYouMean } from '../shared/closest-name.js';
import { BUILTIN_SUITES, SUITE_GROUPS } from './builtin-suites.js';

/** `where`: the setting's label (`/p/stress.config.json: suites`) and the path the name was resolved to. */
export function unknownSuiteError(ref: string, where?: { label: string; path: string }): HarnessError {
  const names = [...Object.keys(BUILTIN_SUITES), ...Object.keys(SUITE_GROUPS)];
  const missing = where === undefined ? 'no such file' : `no file ${where.path}`;
  const text = `unknown suite ${JSON.stringify(ref)}${suggestion(ref, names)}: not a built-in suite (${Object.keys(BUILTIN_SUITES).join(', ')}) and ${missing}`;
  return new HarnessError('ERR_SUITE_LOAD', where === undefined ? text : `${where.label}: ${text}`);
}

/**
 * The closest built-in name; also one the name begins (`barrier` -> barrier-start) or one written
 * as a file name (`counter.js`, `./suites/counter.ts`), which are too far apart to count as typos.
 */
function suggestion(ref: string, names: string[]): string {
  const close = didYouMean(ref, names);
  if (close !== '') return close;
  const bare = ref.replace(/^.*[\\/]/, '').replace(/\.[cm]?[jt]s$/, '');
  if (bare !== ref && names.includes(bare)) return ` (did you mean ${JSON.stringify(bare)}? built-in suites are named without a path or extension)`;
  const prefixed = bare.length >= 3 ? names.filter((n) => n.startsWith(bare)) : [];
  return prefixed.length === 1 ? ` (did you mean ${JSON.stringify(prefixed[0])}?)` : '';
}

/**
 * `--reporter NAME[:TARGET]` or `--reporter ./module.js[:TARGET]`: which
 * reporter, and where its output goes (a file for junit/jsonl/html/json;
 * optional for markdown; none for console).
 */
import { HarnessError } from '../core/shared/errors.js';

export type ReporterSpec =
  /** `flag`: the option the user gave it with when not `--reporter` (`--json FILE`), for messages. */
  | { kind: 'builtin'; name: string; target?: string; flag?: string; origin?: string }
  | { kind: 'module'; path: string; target?: string; origin?: string };

/**
 * Where the user wrote a spec, for messages: `--reporter` unless it came from elsewhere (a config
 * file's `reporters`), so an error points at the line to mend.
 */
export function specOrigin(spec: ReporterSpec): string {
  return spec.origin ?? '--reporter';
}

/** The spec as the user wrote it, after its origin: `--reporter junit:o.xml`, `stress.config.json "reporters": junit:o.xml`. */
export function specLabel(spec: ReporterSpec): string {
  const written = spec.kind === 'builtin' ? spec.name : spec.path;
  const full = spec.target !== undefined ? `${written}:${spec.target}` : written;
  return spec.origin === undefined ? `--reporter ${full}` : `${spec.origin}: ${full}`;
}

export const BUILTIN_REPORTER_NAMES = ['console', 'json', 'jsonl', 'junit', 'html', 'markdown'] as const;

/** `origin` names where `raw` was written when not on the command line (see specOrigin). */
export function parseReporterSpec(raw: string, origin?: string): ReporterSpec {
  const from = origin !== undefined ? { origin } : {};
  const m = /^([a-z][a-z0-9-]*)(?::(.*))?$/.exec(raw);
  const builtin = m !== null && (BUILTIN_REPORTER_NAMES as readonly string[]).includes(m[1]!);
  // A module path: anything that looks like a file (starts with . or /, or ends in .js/.mjs/.cjs
  // before an optional :target), unless it begins with a built-in's name and a colon: `json:out/x.js`
  // is the json reporter writing x.js, not a module named "json:out/x.js".
  const mod = /^(.+?\.[mc]?js)(?::(.*))?$/.exec(raw);
  if (!builtin && mod !== null && (raw.startsWith('.') || raw.startsWith('/') || /\.[mc]?js(:|$)/.test(raw))) {
    return { kind: 'module', path: mod[1]!, ...(mod[2] !== undefined ? { target: mod[2] } : {}), ...from };
  }
  if (m === null || !builtin) {
    throw new HarnessError(
      'ERR_USAGE',
      `${origin ?? '--reporter'}: ${JSON.stringify(raw)} is not a reporter; expected one of ${BUILTIN_REPORTER_NAMES.join(', ')} (with :FILE where it writes one), or a path to a reporter module such as ./my-reporter.js`,
    );
  }
  const name = m[1]!;
  const target = m[2];
  if (['json', 'jsonl', 'junit', 'html'].includes(name) && (target === undefined || target === '')) {
    const example = `${name}:out/stress.${name === 'junit' ? 'xml' : name}`;
    throw new HarnessError(
      'ERR_USAGE',
      origin === undefined ? `--reporter ${name} writes a file: give it one, e.g. --reporter ${example}` : `${origin}: ${name} writes a file: give it one, e.g. "${example}"`,
    );
  }
  return { kind: 'builtin', name, ...(target !== undefined ? { target } : {}), ...from };
}

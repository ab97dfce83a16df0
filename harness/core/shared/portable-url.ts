/**
 * Module URLs written so that what one machine printed (a CI runner's checkout) means the same on
 * another (a developer's clone): shakedown's own modules relative to its package
 * (`pkg:suites/counter.js`), user modules relative to the working directory
 * (`cwd:test/my-suite.js`, for a run and a replay from the project root), anything else as it was.
 * Replay tokens store them; `stress merge` compares shards' parameters in this form.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Params } from '../../suite-api.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function under(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : undefined;
}

export function portableUrl(url: string): string {
  if (!url.startsWith('file:')) return url;
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    return url; // not a local file URL (file://host/...): kept as it is
  }
  const inPackage = under(PACKAGE_ROOT, path);
  if (inPackage !== undefined) return `pkg:${inPackage}`;
  const inCwd = under(process.cwd(), path);
  return inCwd !== undefined ? `cwd:${inCwd}` : url;
}

export function localUrl(url: string): string {
  if (url.startsWith('pkg:')) return pathToFileURL(resolve(PACKAGE_ROOT, url.slice(4))).href;
  if (url.startsWith('cwd:')) return pathToFileURL(resolve(process.cwd(), url.slice(4))).href;
  return url;
}

/**
 * Parameters with their file-URL values made portable (a conformance suite's implementation
 * under test), and the keys that were: only those are turned back, so a parameter that merely
 * looks like one (`'cwd:strict'`) stays a plain string.
 */
export function portableParams(params: Params): { params: Params; urlKeys: string[] } {
  const urlKeys = Object.entries(params)
    .filter(([, v]) => typeof v === 'string' && v.startsWith('file:'))
    .map(([k]) => k);
  return { params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, urlKeys.includes(k) ? portableUrl(v as string) : v])), urlKeys };
}

export function localParams(params: Params, urlKeys: readonly string[]): Params {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, urlKeys.includes(k) && typeof v === 'string' ? localUrl(v) : v]));
}

/**
 * What a replay token may load. Tokens are pasted from CI logs, issues and chat, so a token is
 * input from anyone, and a module it names is code that runs with the user's rights. A token may
 * therefore name only shakedown's own suites (and the implementations and canaries they load,
 * all under the package's suites/ directory) or files under the directory `stress replay` runs
 * in: code the user already has checked out. Symlinks and `..` are resolved first, so a path
 * cannot lead out of either place. Any other module must be named on the command line
 * (`--suite FILE`, `--impl kind=FILE`), where the user sees what runs.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_SUITES_DIR } from '../plan/builtin-suites.js';
import { HarnessError } from '../shared/errors.js';
import { visible } from '../shared/control-chars.js';

export interface TokenModule {
  /** The module URL as the token gives it (after decoding: a file: URL, or whatever was refused). */
  url: string;
  /** What it is, for messages: "suite module", "lock implementation (params.impl)". */
  what: string;
  /** How to name such a module explicitly instead: "name the file yourself with --suite FILE". */
  allow: string;
}

/** A token's text in a message: control characters shown, a long `data:` URL cut short. */
export function shown(text: string, max = 80): string {
  const cut = text.length > max ? `${text.slice(0, max)}... (${text.length} characters)` : text;
  return visible(JSON.stringify(cut));
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Throws ERR_REPLAY_TOKEN unless the module is a built-in one or a file under `cwd`. */
export function checkTokenModule(m: TokenModule, cwd = process.cwd()): void {
  const refuse = (why: string): never => {
    throw new HarnessError(
      'ERR_REPLAY_TOKEN',
      `replay token refused: its ${m.what} is ${shown(m.url)}, ${why}. A token loads only shakedown's built-in suites or files under the current directory (${visible(cwd)}); ` +
        `run stress replay from the directory that holds the module, or ${m.allow}`,
    );
  };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(m.url)?.[1]?.toLowerCase();
  if (scheme !== 'file') refuse(scheme === undefined ? 'not a module URL' : `a ${scheme}: URL, and only local files are loaded`);
  let path: string;
  try {
    path = fileURLToPath(m.url);
  } catch {
    return refuse('not a local file');
  }
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return refuse('a file that does not exist here');
  }
  const builtinDir = realpathSync(fileURLToPath(BUILTIN_SUITES_DIR));
  if (!inside(builtinDir, real) && !inside(realpathSync(cwd), real)) {
    refuse(real === path ? 'outside the current directory' : `outside the current directory (it resolves to ${shown(real)})`);
  }
}

/**
 * A string that names something by URL: `data:`, `http:`, `file:`, `node:`, the tokens' own
 * `cwd:`/`pkg:` forms (portable-url.ts), or any other scheme. A suite may import a module named in
 * its parameters (suite-api.ts advises it for implementations), so on replay every such string in
 * the token's parameters is checked like the suite module, whether or not the token's `pu` field
 * lists it: the token is the attacker's to write, `pu` included.
 */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

export interface UrlLikeParam {
  /** Where it is, for messages: `params.impl`, `params.deep.list[1]`. */
  where: string;
  value: string;
}

/** Every string in the parameters, at any depth, that starts with a URL scheme. */
export function urlLikeParams(params: unknown): UrlLikeParam[] {
  const found: UrlLikeParam[] = [];
  const walk = (v: unknown, where: string): void => {
    if (typeof v === 'string') {
      if (URL_SCHEME.test(v)) found.push({ where, value: v });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${where}[${i}]`));
    } else if (typeof v === 'object' && v !== null) {
      // Decoding bounded the depth (token-params.ts), so this recursion is bounded too.
      for (const [k, x] of Object.entries(v)) walk(x, /^[A-Za-z_$][\w$]*$/.test(k) ? `${where}.${k}` : `${where}[${JSON.stringify(k)}]`);
    }
  };
  walk(params, 'params');
  return found;
}

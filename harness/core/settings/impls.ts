/** `--impl kind=path` (repeatable) and the config file's `impl: { kind: path }` -> kind -> module URL. */
import { isAbsolute, resolve } from 'node:path';
import { HarnessError } from '../shared/errors.js';
import { IMPL_KINDS, isImplKind } from '../../contract/types.js';
import { resolveImplUrl } from '../../contract/load-impl.js';

export function parseImpls(flag: string, raw: string[] | Record<string, string>, base: string): Record<string, string> {
  const pairs: Array<[string, unknown]> = Array.isArray(raw)
    ? raw.map((r) => {
        const m = /^([a-z]+)=(.+)$/.exec(r);
        if (m === null) throw new HarnessError('ERR_USAGE', `${flag}: ${JSON.stringify(r)} is not kind=path, e.g. lock=./dist/my-lock.js`);
        return [m[1]!, m[2]!];
      })
    : Object.entries(raw);
  const out: Record<string, string> = {};
  for (const [kind, path] of pairs) {
    if (!isImplKind(kind)) {
      throw new HarnessError('ERR_USAGE', `${flag}: unknown kind ${JSON.stringify(kind)}; expected one of ${IMPL_KINDS.join(', ')}`);
    }
    if (typeof path !== 'string' || path === '') throw new HarnessError('ERR_USAGE', `${flag}: ${kind} must be a module path, got ${JSON.stringify(path)}`);
    if (out[kind] !== undefined) throw new HarnessError('ERR_USAGE', `${flag}: ${kind} given twice; one implementation per kind and run`);
    out[kind] = resolveImplUrl(/^(file|data):/.test(path) || isAbsolute(path) ? path : resolve(base, path));
  }
  return out;
}

/**
 * Where a setting's value came from. Every resolved value carries one, so a message about a bad
 * value names the place the user must fix: the flag, the environment variable, the config file's
 * key, the option of stress.it or run(), the replay token, or the default.
 */
export type SourceKind = 'flag' | 'env' | 'config' | 'option' | 'token' | 'default';

export interface Source {
  kind: SourceKind;
  /** The setting's name there: `--seed`, `STRESS_SEED`, `seed` (config key or option), `timeoutMs`. */
  name: string;
  /** The config file's path (kind 'config'). */
  file?: string;
}

/** The source as messages name it: `--seed`, `STRESS_SEED`, `/x/stress.config.json: seed`. */
export function sourceLabel(s: Source): string {
  switch (s.kind) {
    case 'config':
      return `${s.file ?? 'config file'}: ${s.name}`;
    case 'token':
      return `replay token field ${s.name}`;
    case 'default':
      return `default ${s.name}`;
    default:
      return s.name;
  }
}

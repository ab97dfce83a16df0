/**
 * How a command that threw ends: one line on stderr, `stress: <message> [<code>]`, and exit code 2
 * (usage) or 3 (harness). Anything can arrive here, not only our HarnessErrors: user code (a
 * config module, a reporter) may throw undefined, null, a string, or an object whose getters
 * throw. Nothing here may throw in turn, or the CLI's own error handling would be the crash.
 */
import { thrownMessage } from '../core/shared/errors.js';
import { EXIT } from '../core/grade/verdict.js';

export function commandErrorExit(err: unknown, verbose: boolean, isUsage: (code: string) => boolean, write: (text: string) => void): number {
  const code = errorCode(err);
  const usage = code !== undefined && isUsage(code);
  write(`stress: ${thrownMessage(err)}${code !== undefined ? ` [${code}]` : ''}\n`);
  const stack = verbose ? stackOf(err) : undefined;
  if (stack !== undefined) write(`${stack}\n`);
  else if (!usage) write('(run with --verbose for the stack)\n');
  return usage ? EXIT.USAGE : EXIT.HARNESS;
}

/** The error's code when it has a string one; undefined for anything else, or when reading it throws. */
function errorCode(err: unknown): string | undefined {
  try {
    const code: unknown = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
    return typeof code === 'string' && code !== '' ? code : undefined;
  } catch {
    return undefined;
  }
}

function stackOf(err: unknown): string | undefined {
  try {
    const stack: unknown = typeof err === 'object' && err !== null ? (err as { stack?: unknown }).stack : undefined;
    return typeof stack === 'string' ? stack : undefined;
  } catch {
    return undefined;
  }
}

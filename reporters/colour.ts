/**
 * Colour for the console: the status word at the head of a line (PASS green, FAIL red, ...), so a
 * failure does not look like a pass in a long log. Through picocolors; whether at all is decided
 * here, by the usual conventions: NO_COLOR (set, not empty) turns it off, else FORCE_COLOR (not
 * "0" or "false") turns it on, else only on a terminal that is not TERM=dumb. Never in files.
 */
import { createColors } from 'picocolors';

export function colourWanted(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return isTTY && env.TERM !== 'dumb';
}

type Paint = (text: string) => string;

/** The status words the console writes at the head of a line, and their colour. */
function paints(enabled: boolean): Record<string, Paint> {
  const c = createColors(enabled);
  return {
    PASS: c.green,
    CAUGHT: c.green,
    caught: c.green,
    FAIL: c.red,
    HANG: c.red,
    ERROR: c.red,
    SURVIVED: c.red,
    FLAKY: c.yellow,
    SKIP: c.dim,
    SKIPPED: c.dim,
  };
}

const MARK = /^( {2})(PASS|CAUGHT|caught|FAIL|HANG|ERROR|SURVIVED|FLAKY|SKIPPED|SKIP)(?= )/gm;

/** `text` with each line's leading status word coloured, or `text` itself when colour is off. */
export function colourMarks(text: string, enabled: boolean): string {
  if (!enabled) return text;
  const p = paints(true);
  return text.replace(MARK, (_m, indent: string, word: string) => `${indent}${p[word]!(word)}`);
}

/**
 * User text (suite, variant and invariant names, details, messages) made
 * safe for a terminal or a Markdown file: C0 control characters, DEL and the
 * C1 range become visible `\xNN` escapes, so a name cannot move the cursor,
 * recolour or clear the screen, or hide text. Bidi controls (U+061C, U+200E,
 * U+200F, U+202A-U+202E, U+2066-U+2069), which reorder what is shown, and the
 * Unicode line and paragraph separators (U+2028, U+2029), which some viewers
 * break lines at, become `\uNNNN`. A newline is kept only where the text may
 * be several lines (details, error messages); in a name it would forge a line
 * of the report, so it is escaped too.
 */

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

const hex = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** One-line user text: every control character escaped, newlines included. */
export function visible(s: string): string {
  return s.replace(CONTROLS, hex);
}

/** Multi-line user text: control characters escaped, newlines (and CRLF, as a newline) kept. */
export function visibleLines(s: string): string {
  return s.replace(/\r\n/g, '\n').replace(CONTROLS_BUT_NEWLINE, hex);
}

/**
 * Multi-line user text under a line of the report: as visibleLines, with every line after the
 * first indented, so no line of it can pass for a line of the report itself.
 */
export function indentedLines(s: string, indent: string): string {
  return visibleLines(s).split('\n').join(`\n${indent}`);
}

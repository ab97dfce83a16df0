/**
 * User text (suite, variant and invariant names, details, messages) made
 * safe for a terminal or a Markdown file: C0 control characters, DEL and the
 * C1 range become visible `\xNN` escapes, so a name cannot move the cursor,
 * recolour or clear the screen, or hide text. A newline is kept only where
 * the text may be several lines (details, error messages); in a name it would
 * forge a line of the report, so it is escaped too.
 */

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;

const hex = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** One-line user text: every control character escaped, newlines included. */
export function visible(s: string): string {
  return s.replace(CONTROLS, hex);
}

/** Multi-line user text: control characters escaped, newlines (and CRLF, as a newline) kept. */
export function visibleLines(s: string): string {
  return s.replace(/\r\n/g, '\n').replace(CONTROLS_BUT_NEWLINE, hex);
}

/** Everything user-supplied (suite, variant and invariant names, details, messages, trace names) goes through here. */
export function esc(value: unknown): string {
  return String(value)
    // Control characters (but tab and newlines) are parse errors in HTML: drop them.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

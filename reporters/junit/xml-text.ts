/** Escaping for the few XML pieces written outside junit-report-builder. */

/** Characters XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE/FFFF, lone surrogates) are dropped. */
export function xmlSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

export function xmlAttr(s: string): string {
  return xmlSafe(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

export function xmlText(s: string): string {
  return xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Text that junit-report-builder puts in a CDATA section. Its xmlbuilder
 * splits only the FIRST "]]>" of a section (checked on 5.1.2: a second one
 * ends the section early and the file is not well-formed), so every "]]>"
 * becomes "]] >" here: visible, and the XML stays valid.
 */
export function cdataSafe(s: string): string {
  return xmlSafe(s).replace(/\]\]>/g, ']] >');
}

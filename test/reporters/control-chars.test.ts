import assert from 'node:assert/strict';
import { indentedLines, visible, visibleLines } from '../../harness/core/shared/control-chars.js';

describe('reporters/control-chars', () => {
  it('escapes C0, DEL and C1 controls, newlines included, in one-line text', () => {
    assert.equal(visible('a\u001b[2Jb\nc\u007f\u009b'), 'a\\x1b[2Jb\\x0ac\\x7f\\x9b');
  });

  it('escapes bidi controls and the Unicode line and paragraph separators', () => {
    const bidi = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
    for (const c of [...bidi, '\u2028', '\u2029']) {
      const code = c.charCodeAt(0).toString(16).padStart(4, '0');
      assert.equal(visible(`x${c}y`), `x\\u${code}y`, `U+${code}`);
      assert.equal(visibleLines(`x${c}y`), `x\\u${code}y`, `U+${code} (multi-line text)`);
    }
    // Ordinary non-ASCII text is left alone.
    assert.equal(visible('café ü → 日本 \u200D'), 'café ü → 日本 \u200D');
  });

  it('keeps newlines in multi-line text, and indents its continuation lines on request', () => {
    assert.equal(visibleLines('a\r\nb\nc'), 'a\nb\nc');
    assert.equal(indentedLines('a\r\nb\n\u001bc', '    '), 'a\n    b\n    \\x1bc');
  });
});

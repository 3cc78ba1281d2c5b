/**
 * Makes text from packages safe to print: C0/C1 control characters (escape sequences), DEL and the Unicode
 * bidirectional overrides (Trojan Source) become visible `\xNN` / `\u{NNNN}` escapes. Everything else is kept.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

export function escapeText(text: string): string {
  return text.replace(UNSAFE, visibleEscape);
}

/** `\xNN` for one byte, `\u{N…}` beyond. */
function visibleEscape(char: string): string {
  const code = char.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

// JSON.stringify already escapes C0 controls inside strings; the newlines it indents with must stay.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** JSON.stringify leaves DEL, C1 controls and bidi overrides raw; escape them as \uNNNN so the JSON stays valid. */
export function escapeJsonText(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/**
 * For package names, which npm keeps to printable ASCII: anything else (a Cyrillic "о" in "lоdash") is shown
 * as an escape so the look-alike is visible.
 */
export function escapeName(name: string): string {
  return name.replace(/[^\x20-\x7e]/gu, visibleEscape);
}

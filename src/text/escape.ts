/**
 * Makes text from packages safe to print: C0/C1 control characters (escape sequences), DEL and the Unicode
 * bidirectional overrides (Trojan Source) become visible `\xNN` / `\u{NNNN}` escapes. Everything else is kept.
 */
const UNSAFE = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

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
  // `##[` inside a string would read as a GitHub workflow command when the JSON is printed in a CI log.
  return json.replace(UNSAFE_IN_JSON, (char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`).replace(/##\[/gu, '#\\u0023[');
}

/**
 * For package names, which npm keeps to printable ASCII: anything else (a Cyrillic "о" in "lоdash") is shown
 * as an escape so the look-alike is visible.
 */
export function escapeName(name: string): string {
  return name.replace(/[^\x20-\x7e]/gu, visibleEscape);
}

// Userinfo in a URL (`https://user:token@host`, `https://token@host`); the conventional `git@` of ssh is no secret.
// The scheme is at most 64 characters: unbounded, every word start of a long `a.a.a.…` host scanned the rest of it
// for a `://` (quadratic: a 30 MB resolved took minutes); bounded, each start scans 64 at most.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,63}:\/\/)([^\s/?#@"'<>\\]+)@/giu;
// Credentials passed as query parameters or npmrc-style `:_authToken=` keys.
const SECRET_PARAMETER =
  /([?&;:](?:_authToken|_auth|_password|auth|token|access_token|auth_token|api[_-]?key|apikey|password|passwd|pwd|secret|client_secret|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&#\s"'<>\\]+/giu;

/**
 * Credentials inside URLs become `***`: a lockfile's `resolved` or a spec may carry a registry token, and
 * reports end up in CI logs, pull-request comments and code-scanning alerts.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(URL_USERINFO, (match, scheme: string, userinfo: string) => (userinfo === 'git' ? match : `${scheme}***@`))
    .replace(SECRET_PARAMETER, '$1***');
}

/**
 * GitHub Actions reads workflow commands from any step's output: a line that starts with `::` after its
 * leading blanks, or `##[command]` anywhere in a line. Such text from packages is made inert and visible.
 */
export function neutraliseWorkflowCommands(output: string): string {
  return output.replace(/^([^\S\n]*)::/gmu, '$1\\x3a:').replace(/##\[/gu, '#\\x23[');
}

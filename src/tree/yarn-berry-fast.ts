/**
 * A fast path for reading yarn berry's `yarn.lock`, for the YAML subset yarn's own writer produces and nothing else:
 * nested `key:` blocks indented by two spaces, `key: value` with plain or double-quoted scalars, every scalar a
 * string (yarn parses with js-yaml's failsafe schema). Written by hand because js-yaml, behind `parseSyml`, took a
 * third of the berry reader's time on a lockfile of 2,000 packages (bench/lockfile-formats.mjs). Anything else YAML
 * allows (flow collections, single quotes, escapes, block scalars, anchors, tags, comments after values, empty
 * values, tabs, CRLF, document markers) makes it return undefined, and `parseSyml` reads the text. Tested against
 * `parseSyml` in test/tree/yarn-berry-fast.test.ts.
 */

// parseSyml reads a file that starts like yarn classic's with its legacy grammar: leave those to it.
const LEGACY = /^(#.*(\r?\n))*?#\s+yarn\s+lockfile\s+v1\r?\n/i;
// Lockfiles are ASCII; anything else (tabs, CR, a BOM, characters js-yaml refuses or reads as line breaks) goes to js-yaml.
const NOT_PRINTABLE_ASCII = /[^\n\x20-\x7e]/;
const PLAIN_KEY = /^[A-Za-z0-9_$./~^=<>+][^\s:#"',[\]{}&*!|>%@`]*$/;
const PLAIN_VALUE = /^[A-Za-z0-9_$./~^=<>+][^\s#"',[\]{}&*!|>%`]*$/;

/** The object `parseSyml` returns for this text, or undefined to let it read the text. */
export function parseYarnBerryFast(text: string): Record<string, unknown> | undefined {
  if (NOT_PRINTABLE_ASCII.test(text) || text.includes('\\') || LEGACY.test(text)) return undefined;
  const root: Record<string, unknown> = {};
  // The open mappings, by depth: stack[0] is the root; a line indented 2n spaces goes into stack[n].
  const stack: Record<string, unknown>[] = [root];
  let opened = false; // the last line opened a mapping that must get at least one member
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line === '' || line[0] === '#') continue;
    let indent = 0;
    while (line[indent] === ' ') indent++;
    if (indent % 2 !== 0) return undefined;
    const depth = indent / 2;
    if (opened ? depth !== stack.length - 1 : depth > stack.length - 1) return undefined;
    opened = false;
    stack.length = depth + 1;
    const target = stack[depth]!;
    const colon = keyEnd(line, indent);
    if (colon === undefined) return undefined;
    const key = readKey(line.slice(indent, colon));
    if (key === undefined || Object.hasOwn(target, key)) return undefined;
    if (colon === line.length - 1) {
      const mapping: Record<string, unknown> = {};
      target[key] = mapping;
      stack.push(mapping);
      opened = true;
      continue;
    }
    if (line[colon + 1] !== ' ') return undefined;
    const value = readValue(line.slice(colon + 2));
    if (value === undefined) return undefined;
    target[key] = value;
  }
  return opened ? undefined : root;
}

/** Where the key of a `key: …` line ends (its colon): after the closing quote of a quoted key, else the first colon. */
function keyEnd(line: string, from: number): number | undefined {
  if (line[from] === '"') {
    const close = line.indexOf('"', from + 1);
    return close !== -1 && line[close + 1] === ':' ? close + 1 : undefined;
  }
  const colon = line.indexOf(':', from);
  return colon === -1 ? undefined : colon;
}

function readKey(text: string): string | undefined {
  const key = text[0] === '"' ? quoted(text) : PLAIN_KEY.test(text) ? text : undefined;
  return key === undefined || key === '' || key === '__proto__' ? undefined : key;
}

function readValue(text: string): string | undefined {
  if (text[0] === '"') return quoted(text);
  // A plain scalar may hold `:` but not `: `, which would start a mapping.
  return PLAIN_VALUE.test(text) && !text.endsWith(':') && !text.includes(': ') ? text : undefined;
}

/** A double-quoted scalar without escapes (the text has no backslash). */
function quoted(text: string): string | undefined {
  if (text.length < 2 || text[text.length - 1] !== '"') return undefined;
  const inner = text.slice(1, -1);
  return inner.includes('"') ? undefined : inner;
}

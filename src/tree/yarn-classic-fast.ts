/**
 * A fast path for reading yarn classic's `yarn.lock`, for the shape `yarn install` writes and nothing else.
 * Written by hand because `@yarnpkg/lockfile`'s tokenizer re-slices the remaining input for every token: on a
 * lockfile of 2,000 packages it took most of the reader's time (measured: bench/lockfile-formats.mjs). Anything
 * this path is not certain to read exactly as that parser does (escapes in strings, numbers, deeper nesting, tabs,
 * CRLF, comments after values, merge-conflict markers, a BOM, another lockfile version) makes it return undefined,
 * and the caller parses the text with `@yarnpkg/lockfile` itself. Tested against that parser in
 * test/tree/yarn-classic-fast.test.ts.
 */

type Value = string | boolean | Record<string, unknown>;

/** The object `@yarnpkg/lockfile`'s parse returns for this text, or undefined to let that parser read it. */
export function parseYarnClassicFast(text: string): Record<string, unknown> | undefined {
  if (text.includes('\r') || text.includes('\t') || text.includes('\\') || text.charCodeAt(0) === 0xfeff || text.includes('<<<<<<<')) return undefined;
  // yarn's parser makes objects without a prototype; so does this path, so both give the same objects.
  const result = bare();
  let entry: Record<string, unknown> | undefined;
  let nested: Record<string, unknown> | undefined;
  let blockEnded = true;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    // yarn's parser ends a block at an empty line or a comment: an indented line after one is read differently there.
    if (line === '' || line[0] === '#') blockEnded = true;
    else if (line[0] === ' ' && blockEnded) return undefined;
    else blockEnded = false;
    if (line === '') continue;
    if (line[0] === '#') {
      // yarn's parser refuses a lockfile of a later version: let it say so.
      const version = /^#\s*yarn lockfile v(\d+)/.exec(line)?.[1];
      if (version !== undefined && version !== '1') return undefined;
      continue;
    }
    let indent = 0;
    while (line[indent] === ' ') indent++;
    if (indent === 0) {
      if (!line.endsWith(':')) return undefined;
      const keys = readKeys(line.slice(0, -1));
      if (!keys) return undefined;
      entry = bare();
      nested = undefined;
      for (const key of keys) result[key] = entry;
      continue;
    }
    if (indent !== 2 && indent !== 4) return undefined;
    const target = indent === 2 ? entry : nested;
    if (!target) return undefined;
    if (indent === 2) nested = undefined;
    const field = readField(line.slice(indent));
    if (!field) return undefined;
    if (field.value === undefined) {
      // `name:` opens an object, which only the 2-space level may do here.
      if (indent !== 2) return undefined;
      nested = bare();
      target[field.key] = nested;
    } else {
      target[field.key] = field.value;
    }
  }
  return result;
}

const bare = (): Record<string, unknown> => Object.create(null) as Record<string, unknown>;

/** `a@^1, "@s/b@^2"`: descriptors, each a bare token or a plain double-quoted string. */
function readKeys(text: string): string[] | undefined {
  const keys: string[] = [];
  let index = 0;
  while (index < text.length) {
    const token = readToken(text, index);
    if (!token || typeof token.value !== 'string') return undefined;
    keys.push(token.value);
    index = token.end;
    if (index === text.length) break;
    if (text[index] !== ',') return undefined;
    index++;
    while (text[index] === ' ') index++;
    if (index === text.length) return undefined; // a comma with no descriptor after it: yarn refuses the line
  }
  return keys.length > 0 ? keys : undefined;
}

/** `name value` or `name:`, each part a bare token or a plain quoted string; undefined value for `name:`. */
function readField(text: string): { key: string; value: Value | undefined } | undefined {
  const key = readToken(text, 0);
  if (!key || typeof key.value !== 'string') return undefined;
  if (key.end === text.length - 1 && text[key.end] === ':') return { key: key.value, value: undefined };
  if (text[key.end] !== ' ' || text[key.end + 1] === ' ') return undefined;
  const value = readToken(text, key.end + 1);
  if (!value || value.end !== text.length) return undefined;
  return { key: key.value, value: value.value };
}

const BARE_START = /[a-zA-Z/-]/;
// Characters that end a bare token in yarn's tokenizer, plus those that would start another token after it.
const BARE_END = new Set([':', ' ', '\n', '\r', ',', '"', '#']);

/** A quoted string without escapes or control characters, `true`/`false`, or a bare token as yarn's tokenizer reads it. */
function readToken(text: string, index: number): { value: string | boolean; end: number } | undefined {
  if (text[index] === '"') {
    const close = text.indexOf('"', index + 1);
    if (close === -1) return undefined;
    const value = text.slice(index + 1, close);
    // eslint-disable-next-line no-control-regex -- JSON refuses raw control characters; yarn's parser then fails
    if (value === '' || /[\u0000-\u001f]/.test(value) || value === '__proto__') return undefined;
    return { value, end: close + 1 };
  }
  if (!BARE_START.test(text[index] ?? '')) return undefined;
  let end = index;
  while (end < text.length && !BARE_END.has(text[end]!)) end++;
  const value = text.slice(index, end);
  if (value === 'true' || value === 'false') return { value: value === 'true', end };
  // yarn reads `true…`/`false…` as a boolean followed by more; `__proto__` would set the object's prototype there.
  if (value.startsWith('true') || value.startsWith('false') || value === '__proto__') return undefined;
  return { value, end };
}

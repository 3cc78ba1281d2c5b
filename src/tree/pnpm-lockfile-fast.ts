import type { Type } from 'js-yaml';
import { jsYaml } from '../cjs.js';

/**
 * A fast path for reading `pnpm-lock.yaml`, for the YAML subset pnpm's writer produces and nothing else: documents
 * split by `---` lines, nested `key:` blocks indented by two spaces, `- item` lists of scalars under a key, plain,
 * single- or double-quoted scalars, and one-line flow mappings and lists of scalars (`{integrity: sha512-…}`,
 * `[x64]`). Written by hand because js-yaml's general parser is the cost: its `loadAll` took ~12 ms CPU of the pnpm
 * reader's 55–80 ms on bench/lockfile-formats.mjs's 1,762-package lockfile; this reads the same text in ~6 ms.
 * Plain scalars get their types from js-yaml's own resolvers (its default schema: `5.4` a number, `true` a boolean),
 * so the result is what `loadAll` returns. Anything else YAML allows (escapes, block scalars, anchors, tags, comments
 * after values, multi-line scalars, other indents, tabs, CRLF, duplicate keys) makes it return undefined, and js-yaml
 * reads the text. Tested against js-yaml in test/tree/pnpm-lockfile-fast.test.ts.
 */

const NOT_PRINTABLE_ASCII = /[^\n\x20-\x7e]/;
// A plain scalar that cannot start a YAML indicator and has no ` #` comment, `: ` or trailing `:` mapping, and no spaces at its ends.
const PLAIN = /^[^\s\-?:,[\]{}#&*!|>'"%@`\\](?:[^#]|(?<! )#)*$/;
// A plain scalar js-yaml's default schema may read as null, a boolean, a number, a timestamp or a merge key.
const MAY_NOT_BE_STRING = /^[-+.~<0-9]|^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;

type Container = Record<string, unknown> | unknown[];

/** What js-yaml's `loadAll` returns for this text, or undefined to let js-yaml read it. */
export function parsePnpmLockfileFast(text: string): unknown[] | undefined {
  if (NOT_PRINTABLE_ASCII.test(text) || text.includes('\\')) return undefined;
  const documents: unknown[] = [];
  let root: Record<string, unknown> | undefined; // the open document's mapping, once it has a line
  let marked = false; // a `---` opened the current document
  // The open containers, by depth: a line indented 2n spaces goes into stack[n].
  const stack: Container[] = [];
  // The last line was `key:`: its value (a mapping or a list) is made by the next line, which must be one level deeper.
  let pending: { parent: Record<string, unknown>; key: string } | undefined;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line === '' || line[0] === '#') continue;
    if (line.startsWith('---') || line.startsWith('...')) {
      if (line !== '---' || pending) return undefined;
      if (root || marked) documents.push(root ?? null);
      [root, marked, stack.length] = [undefined, true, 0];
      continue;
    }
    let indent = 0;
    while (line[indent] === ' ') indent++;
    if (indent % 2 !== 0 || indent === line.length) return undefined;
    const depth = indent / 2;
    const item = line[indent] === '-';
    if (pending) {
      if (depth !== stack.length) return undefined;
      const value: Container = item ? [] : {};
      pending.parent[pending.key] = value;
      stack.push(value);
      pending = undefined;
    } else if (!root) {
      if (depth !== 0) return undefined;
      root = {};
      stack.push(root);
    } else if (depth > stack.length - 1) return undefined;
    if (stack.length !== depth + 1) stack.length = depth + 1;
    const target = stack[depth]!;
    if (item) {
      if (!Array.isArray(target) || line[indent + 1] !== ' ') return undefined;
      const value = readValue(line.slice(indent + 2));
      if (value === undefined) return undefined;
      target.push(value);
      continue;
    }
    if (Array.isArray(target)) return undefined;
    const colon = keyEnd(line, indent);
    if (colon === undefined) return undefined;
    const key = readKey(line.slice(indent, colon));
    if (key === undefined || Object.hasOwn(target, key)) return undefined;
    if (colon === line.length - 1) {
      pending = { parent: target, key };
      continue;
    }
    const value = readValue(line.slice(colon + 2));
    if (value === undefined) return undefined;
    target[key] = value;
  }
  if (pending) return undefined;
  if (root || marked) documents.push(root ?? null);
  return documents;
}

/** Where the key of a `key: …` or `key:` line ends (its colon): after a quoted key's closing quote, else the first `: `. */
function keyEnd(line: string, from: number): number | undefined {
  let colon: number;
  if (line[from] === '"' || line[from] === "'") colon = line.indexOf(line[from] + ':', from + 1) + 1;
  else {
    colon = line.indexOf(': ', from);
    if (colon === -1 && line.endsWith(':')) colon = line.length - 1;
  }
  return colon > from && (colon === line.length - 1 || line[colon + 1] === ' ') ? colon : undefined;
}

function readKey(text: string): string | undefined {
  const key = scalar(text, false);
  return typeof key === 'string' && key !== '' && key !== '__proto__' ? key : undefined;
}

/** A block value: a scalar, or a one-line flow mapping or list of scalars. */
function readValue(text: string): unknown {
  if (text[0] === '{' || text[0] === '[') return flow(text);
  return scalar(text, false);
}

/** `{a: b, c: d}`, `[a, b]`, `{}` or `[]`, their scalars holding no flow indicators. */
function flow(text: string): unknown {
  const close = text[0] === '{' ? '}' : ']';
  if (text[text.length - 1] !== close) return undefined;
  const inner = text.slice(1, -1);
  const items = inner === '' ? [] : inner.split(', ');
  if (close === ']') {
    const list = items.map((item) => scalar(item, true));
    return list.includes(undefined) ? undefined : list;
  }
  const mapping: Record<string, unknown> = {};
  for (const item of items) {
    const colon = item.indexOf(': ');
    const key = colon > 0 ? scalar(item.slice(0, colon), true) : undefined;
    const value = key === undefined ? undefined : scalar(item.slice(colon + 2), true);
    if (typeof key !== 'string' || key === '' || key === '__proto__' || value === undefined || Object.hasOwn(mapping, key)) return undefined;
    mapping[key] = value;
  }
  return mapping;
}

/** A quoted or plain scalar, typed as js-yaml types it; undefined for anything else. */
function scalar(text: string, inFlow: boolean): unknown {
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    if (text.length < 2 || text[text.length - 1] !== quote) return undefined;
    const inner = text.slice(1, -1);
    if (quote === '"') return inner.includes('"') ? undefined : inner;
    const unescaped = inner.replaceAll("''", '');
    return unescaped.includes("'") ? undefined : inner.replaceAll("''", "'");
  }
  if (!PLAIN.test(text) || text.endsWith(' ') || text.endsWith(':') || text.includes(': ')) return undefined;
  // In a flow collection a plain scalar ends at a flow indicator, or at a `:` before one, a space or the end.
  if (inFlow && (/[,[\]{}]/.test(text) || (text.includes(':') && /:(?:[\s,[\]{}]|$)/.test(text)))) return undefined;
  return MAY_NOT_BE_STRING.test(text) ? typed(text) : text;
}

/** A plain scalar through the implicit types of js-yaml's default schema, in its order; a merge key (`<<`) declines. */
function typed(text: string): unknown {
  implicitTypes ??= (jsYaml().DEFAULT_SCHEMA as unknown as { compiledImplicit: ImplicitType[] }).compiledImplicit;
  const type = implicitTypes.find((candidate) => candidate.resolve(text));
  if (!type) return text;
  return type.tag === 'tag:yaml.org,2002:merge' ? undefined : type.construct(text);
}
type ImplicitType = Type & { readonly tag: string };
let implicitTypes: ImplicitType[] | undefined;

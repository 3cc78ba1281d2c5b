/**
 * The line (1-based) where each package's entry starts in the lockfile it was read from, by tree location: what
 * SARIF regions and JSON `at` point at. npm lockfiles are keyed by location (v1: nested `dependencies`); yarn, pnpm
 * and bun by keys of their own, which their readers record per node (`tree.entryKeys`). One pass over the text per
 * format, reading only the lines that start entries, whose shape each manager writes the same way every time.
 */
import type { DependencyTree } from '../tree/model.js';
import { objectKeyLines, pointerToken } from './json-lines.js';

/** The lines, found on first use: a text report shows none, so a check that prints one never scans the lockfile for them. */
export function entryLines(tree: DependencyTree, text: string): ReadonlyMap<string, number> {
  return new LazyMap(() => findEntryLines(tree, text));
}

function findEntryLines(tree: DependencyTree, text: string): Map<string, number> {
  const lines = new Map<string, number>();
  if (tree.format.startsWith('npm-lockfile')) {
    const keyLines = objectKeyLines(text);
    for (const location of tree.nodes.keys()) {
      const line = keyLines.get(npmKeyPath(tree.format === 'npm-lockfile-v1', location));
      if (line !== undefined) lines.set(location, line);
    }
    return lines;
  }
  const keyLines = KEY_LINES[tree.format]?.(text);
  if (!keyLines || !tree.entryKeys) return lines;
  for (const [location, key] of tree.entryKeys) {
    const line = keyLines(key);
    if (line !== undefined) lines.set(location, line);
  }
  return lines;
}

/** A read-only map whose entries are computed by `fill` when first read. */
class LazyMap<K, V> implements ReadonlyMap<K, V> {
  #map: Map<K, V> | undefined;
  constructor(private readonly fill: () => Map<K, V>) {}
  get #entries(): Map<K, V> {
    return (this.#map ??= this.fill());
  }
  get size(): number {
    return this.#entries.size;
  }
  get(key: K): V | undefined {
    return this.#entries.get(key);
  }
  has(key: K): boolean {
    return this.#entries.has(key);
  }
  forEach(visit: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.#entries) visit.call(thisArg, value, key, this);
  }
  entries(): MapIterator<[K, V]> {
    return this.#entries.entries();
  }
  keys(): MapIterator<K> {
    return this.#entries.keys();
  }
  values(): MapIterator<V> {
    return this.#entries.values();
  }
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.#entries[Symbol.iterator]();
  }
}

/** Where a tree location's entry sits in an npm lockfile's JSON, as the key path objectKeyLines records. */
export function npmKeyPath(v1: boolean, location: string): string {
  if (!v1) return `packages/${pointerToken(location)}`;
  const names = location.split(/(?:^|\/)node_modules\//).filter(Boolean);
  return names.map((name) => `dependencies/${pointerToken(name)}`).join('/');
}

type KeyLines = (key: string) => number | undefined;

const KEY_LINES: Partial<Record<DependencyTree['format'], (text: string) => KeyLines>> = {
  'yarn-classic': yarnKeyLines,
  'yarn-berry': yarnKeyLines,
  'pnpm-lockfile': pnpmKeyLines,
  'bun-lockfile': bunKeyLines,
};

/**
 * yarn: an entry starts at an unindented line ending in `:`, its descriptors comma-joined and each (classic) or all
 * of them (berry) quoted when needed. classic's parser keys the entry by each descriptor, berry's by the whole line.
 */
function yarnKeyLines(text: string): KeyLines {
  const byKey = new Map<string, number>();
  eachLine(text, (line, number) => {
    if (line === '' || line[0] === ' ' || line[0] === '#' || !line.endsWith(':')) return;
    const whole = unquote(line.slice(0, -1), '"');
    byKey.set(whole, number);
    for (const descriptor of whole.split(/,\s*/)) byKey.set(unquote(descriptor.trim(), '"'), number);
  });
  return (key) => byKey.get(key);
}

/**
 * pnpm: entries are the keys indented by two spaces under `packages:` (where a package comes from) and, in lockfile
 * 9.0, `snapshots:` (what it depends on, keyed with its peers' suffix). The line is the `packages` one when there is.
 */
function pnpmKeyLines(text: string): KeyLines {
  const sections = new Map<string, Map<string, number>>();
  let section: Map<string, number> | undefined;
  eachLine(text, (line, number) => {
    if (line === '' || line[0] === '#') return;
    if (line[0] !== ' ') {
      const name = /^(packages|snapshots):\s*$/.exec(line)?.[1];
      section = name === undefined ? undefined : new Map();
      if (name !== undefined) sections.set(name, section!);
      return;
    }
    if (!section || line[2] === ' ' || !line.startsWith('  ')) return;
    const key = /^ {2}(.+?):(?:\s+\{\})?\s*$/.exec(line)?.[1];
    if (key !== undefined) section.set(key[0] === "'" ? unquote(key, "'") : unquote(key, '"'), number);
  });
  const packages = sections.get('packages');
  const snapshots = sections.get('snapshots');
  return (key) => packages?.get(key) ?? packages?.get(key.replace(/\(.*$/, '')) ?? snapshots?.get(key);
}

/** bun: entries are the members of `"packages"`, one a line, `"a/b": [...]`, four spaces in. */
function bunKeyLines(text: string): KeyLines {
  const byKey = new Map<string, number>();
  let inPackages = false;
  eachLine(text, (line, number) => {
    if (/^ {2}"packages":/.test(line)) inPackages = true;
    else if (/^ {2}\S/.test(line)) inPackages = false;
    else if (inPackages) {
      const key = /^ {4}("(?:[^"\\]|\\.)*"):/.exec(line)?.[1];
      if (key !== undefined) byKey.set(unquote(key, '"'), number);
    }
  });
  return (key) => byKey.get(key);
}

function eachLine(text: string, visit: (line: string, number: number) => void): void {
  let number = 1;
  for (let start = 0; start <= text.length; number++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    visit(text.slice(start, text[end - 1] === '\r' ? end - 1 : end), number);
    start = end + 1;
  }
}

/** A quoted key as its text: JSON-style double quotes (yarn, bun, pnpm), or YAML single quotes ('' is a quote). */
function unquote(key: string, quote: '"' | "'"): string {
  if (key.length < 2 || key[0] !== quote || key[key.length - 1] !== quote) return key;
  if (quote === "'") return key.slice(1, -1).replaceAll("''", "'");
  try {
    return JSON.parse(key) as string;
  } catch {
    return key.slice(1, -1);
  }
}

/**
 * Which dependencies a package.json gained or re-specified: exactly, from both ends of the change, or from a
 * diff's hunks alone when neither end is at hand, where a line whose block the hunk does not show is said so.
 */
import type { Hunk } from '../text/unified-diff.js';

export const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;
const IS_FIELD = new Set<string>(DEPENDENCY_FIELDS);

export interface AddedDependency {
  readonly name: string;
  readonly spec: string;
  /** 1-based line in the new package.json, when known. */
  readonly line: number | undefined;
}

type Json = Readonly<Record<string, unknown>>;

/** Dependencies a package.json gained, or whose spec changed, between two versions of it. */
export function addedDependencies(base: Json | undefined, head: Json, headText: string): AddedDependency[] {
  const before = declared(base);
  const lines = new Map<string, number>();
  scanJson(
    headText.split('\n').map((text, index) => ({ text, line: index + 1 })),
    'document',
    (member) => {
      if (member.depth === 2 && IS_FIELD.has(member.container ?? '') && !lines.has(member.key)) lines.set(member.key, member.keyLine);
    },
  );
  const added: AddedDependency[] = [];
  for (const [name, spec] of declared(head)) {
    if (before.get(name) !== spec) added.push({ name, spec, line: lines.get(name) });
  }
  return added;
}

/** Every dependency a manifest declares, in any field. */
export function declared(manifest: Json | undefined): Map<string, string> {
  const all = new Map<string, string>();
  for (const field of DEPENDENCY_FIELDS) {
    const value = manifest?.[field];
    if (typeof value !== 'object' || value === null) continue;
    for (const [name, spec] of Object.entries(value)) if (typeof spec === 'string') all.set(name, spec);
  }
  return all;
}

export interface HunkDependencies {
  readonly added: AddedDependency[];
  /** Added `"key": "value"` lines whose enclosing block the hunk does not show: a dependency or not, unknown. */
  readonly undetermined: { readonly line: number; readonly key: string; readonly value: string }[];
}

/**
 * From a package.json diff's hunks alone: the `"name": "spec"` members added inside a dependency block. A
 * hunk that starts at line 1 shows the whole nesting; any other starts inside some block, and its members
 * belong to a block it shows only once that block's opening line is in the hunk. Members removed and added
 * unchanged (a comma added after them, a move) are not new.
 */
export function addedDependencyLines(hunks: readonly Hunk[]): HunkDependencies {
  const added: AddedDependency[] = [];
  const undetermined: HunkDependencies['undetermined'] = [];
  const removed = new Set<string>();
  const pair = (key: string, value: string) => JSON.stringify([key, value]);
  for (const hunk of hunks) {
    const mode = hunk.oldStart <= 1 && hunk.newStart <= 1 ? 'document' : 'inside';
    const oldSide = hunk.lines.filter((line) => line.kind !== '+').map((line) => ({ text: line.text, line: line.oldLine!, changed: line.kind === '-' }));
    scanJson(oldSide, mode, (member) => {
      if (member.changed && member.value !== undefined && (member.container === undefined || IS_FIELD.has(member.container)))
        removed.add(pair(member.key, member.value));
    });
    const newSide = hunk.lines.filter((line) => line.kind !== '-').map((line) => ({ text: line.text, line: line.newLine!, changed: line.kind === '+' }));
    scanJson(newSide, mode, (member) => {
      if (!member.changed || member.value === undefined) return;
      if (member.container === undefined) undetermined.push({ line: member.keyLine, key: member.key, value: member.value });
      else if (IS_FIELD.has(member.container) && (mode === 'inside' || member.depth === 2))
        added.push({ name: member.key, spec: member.value, line: member.keyLine });
    });
  }
  return {
    added: added.filter(({ name, spec }) => !removed.has(pair(name, spec))),
    undetermined: undetermined.filter(({ key, value }) => !removed.has(pair(key, value))),
  };
}

interface ScannedMember {
  readonly key: string;
  /** The value, when it is a string. */
  readonly value: string | undefined;
  /** The key under which the enclosing object sits; undefined when the scan began inside a block it did not see open. */
  readonly container: string | undefined;
  /** Nesting depth of the member (1: a key of the root object); meaningful in 'document' mode. */
  readonly depth: number;
  readonly keyLine: number;
  /** Whether the key's or the value's line is a changed one. */
  readonly changed: boolean;
}

/**
 * A JSON tokenizer over lines that needs no parse of the whole: strings never span lines, and a string
 * followed by `:` is always a key. 'inside': the lines start in the middle of a document, so closing more
 * blocks than were opened leads back into blocks of unknown name.
 */
function scanJson(
  lines: readonly { text: string; line: number; changed?: boolean }[],
  mode: 'document' | 'inside',
  onMember: (member: ScannedMember) => void,
): void {
  // Open containers seen in these lines: the key each is the value of ('' for the root or an array element).
  const stack: { key: string; object: boolean }[] = [];
  let lastString: { text: string; line: number; changed: boolean } | undefined;
  let pendingKey: { text: string; line: number; changed: boolean } | undefined;
  const top = (): string | undefined => (stack.length === 0 ? (mode === 'document' ? '' : undefined) : stack[stack.length - 1]!.key);
  const member = (value: string | undefined, valueChanged: boolean) => {
    if (!pendingKey) return;
    onMember({ key: pendingKey.text, value, container: top(), depth: stack.length, keyLine: pendingKey.line, changed: pendingKey.changed || valueChanged });
    pendingKey = undefined;
  };
  for (const { text, line, changed = false } of lines) {
    for (let index = 0; index < text.length; index++) {
      const char = text[index]!;
      if (char === '"') {
        let end = index + 1;
        while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
        const string = decode(text.slice(index + 1, end));
        index = end;
        if (pendingKey) member(string, changed);
        else lastString = { text: string, line, changed };
      } else if (char === ':') {
        pendingKey = lastString;
        lastString = undefined;
      } else if (char === '{' || char === '[') {
        const key = pendingKey?.text ?? '';
        if (pendingKey) member(undefined, changed);
        stack.push({ key, object: char === '{' });
      } else if (char === '}' || char === ']') {
        member(undefined, changed);
        stack.pop();
        lastString = undefined;
      } else if (char === ',') {
        member(undefined, changed);
        lastString = undefined;
      } else if (!/\s/.test(char) && pendingKey) {
        member(undefined, changed); // a number, true, false or null
      }
    }
  }
}

function decode(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

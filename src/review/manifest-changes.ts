import { validateName } from '../cjs.js';
import type { AddedLine } from './unified-diff.js';

export const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

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
  const added: AddedDependency[] = [];
  for (const [name, spec] of declared(head)) {
    if (before.get(name) === spec) continue;
    const line = headText.split('\n').findIndex((text) => text.includes(`"${name}"`));
    added.push({ name, spec, line: line === -1 ? undefined : line + 1 });
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

/** From a diff of package.json: the `"name": "spec"` lines added inside a dependency block. */
export function addedDependencyLines(shown: readonly AddedLine[]): AddedDependency[] {
  const found: AddedDependency[] = [];
  let inBlock = false;
  for (const { text, line, added } of shown) {
    if (new RegExp(`"(?:${DEPENDENCY_FIELDS.join('|')})"\\s*:\\s*\\{`).test(text)) {
      inBlock = !/\}/.test(text);
      continue;
    }
    if (inBlock && /^\s*\}/.test(text)) {
      inBlock = false;
      continue;
    }
    const match = /^\s*"([^"]+)"\s*:\s*"([^"]*)"/.exec(text);
    if (inBlock && added && match && validateName(match[1]!).validForOldPackages) found.push({ name: match[1]!, spec: match[2]!, line });
  }
  return found;
}

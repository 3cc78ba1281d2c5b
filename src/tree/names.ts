import { npa } from '../cjs.js';
import { addEdge, createNode, finishTree, type TreeSource } from './build.js';
import type { DependencyTree, PackageNode } from './model.js';

/** A name to vet as typed: `name`, `name@range`, `alias@npm:real@1`, or a URL/git spec; `line` in its file. */
export interface NameArgument {
  readonly text: string;
  readonly line?: number | undefined;
}

// A name, optionally scoped, then an optional @spec. Deliberately looser than npm's rules: a look-alike
// character that npm would refuse must still reach the near-miss check.
const NAME_WITH_SPEC = /^((?:@[^/@\s]+\/)?[^@/\s]+)(?:@(.*))?$/u;

/**
 * The tree `vet` checks: a root that declares each name, and one unresolved node per name, so that the
 * same rules apply as to a lockfile (nothing is fetched, so there is nothing to verify an integrity of).
 */
export function treeFromNames(names: readonly NameArgument[], source: Omit<TreeSource, 'format'>): DependencyTree {
  const root = createNode({ location: '', installName: '', name: '' });
  const nodes = new Map<string, PackageNode>([['', root]]);
  for (const { text } of names) {
    const { name, spec, location } = parseNameArgument(text);
    if (nodes.has(location)) continue;
    nodes.set(location, createNode({ location, installName: name, name: realName(name, spec) }));
    addEdge(root, name, spec, 'prod');
  }
  return finishTree(nodes, new Map(), { ...source, format: 'names' });
}

/** The name, spec and tree location of one typed argument. */
export function parseNameArgument(text: string): { name: string; spec: string; location: string } {
  const trimmed = text.trim();
  const match = NAME_WITH_SPEC.exec(trimmed);
  const name = match ? match[1]! : trimmed;
  return { name, spec: match ? match[2] || '*' : trimmed, location: `node_modules/${name}` };
}

function realName(name: string, spec: string): string {
  if (!/^npm:/i.test(spec)) return name;
  try {
    return npa(spec.slice(4)).name ?? name;
  } catch {
    return name;
  }
}

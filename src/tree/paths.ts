import type { DependencyTree, PackageNode } from './model.js';

export type DependencyPaths = ReadonlyMap<PackageNode, readonly string[]>;

const cache = new WeakMap<DependencyTree, DependencyPaths>();

/**
 * The shortest chain of dependency names from the root to every reachable node ("why is this here"), found
 * by one breadth-first walk. A link and its target share a chain. Cycles end the walk at the first visit.
 */
export function dependencyPaths(tree: DependencyTree): DependencyPaths {
  const known = cache.get(tree);
  if (known) return known;
  const paths = new Map<PackageNode, readonly string[]>();
  const queue: PackageNode[] = [];
  const visit = (node: PackageNode, path: readonly string[]): void => {
    if (paths.has(node)) return;
    paths.set(node, path);
    queue.push(node);
    if (node.target && !paths.has(node.target)) {
      paths.set(node.target, path);
      queue.push(node.target);
    }
  };
  visit(tree.root, []);
  for (let index = 0; index < queue.length; index++) {
    const node = queue[index]!;
    const path = paths.get(node)!;
    for (const edge of node.edgesOut.values()) {
      if (edge.to) visit(edge.to, [...path, edge.name]);
    }
  }
  cache.set(tree, paths);
  return paths;
}

/** The chain to one node; nodes nothing depends on (extraneous) get an empty chain. */
export function pathTo(tree: DependencyTree, node: PackageNode): readonly string[] {
  // A names tree (vet) is the root and the names it declares: a chain is the one name declaring the node, found
  // without walking a list of 20,000 names for the two that have findings.
  if (tree.format === 'names') {
    const edge = node.edgesIn.find(({ from }) => from === tree.root);
    return edge === undefined ? [] : [edge.name];
  }
  return dependencyPaths(tree).get(node) ?? [];
}

/** Packages in the tree, each counted once: not the root, not the symlinks that point at packages. */
export function packageCount(tree: DependencyTree): number {
  // A names tree's names, with a node or known by name only (src/tree/names.ts), each once.
  if (tree.vetNames !== undefined) return tree.vetNames.length;
  let count = 0;
  for (const node of tree.nodes.values()) if (!node.isRoot && !node.isLink) count++;
  return count;
}

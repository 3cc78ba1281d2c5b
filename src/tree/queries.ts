import type { Declarer } from '../findings/model.js';
import { classifyResolved } from '../npm/specs.js';
import type { DependencyTree, Edge, PackageNode } from './model.js';

/** The project's own packages: the root and its workspaces. Their choices are the user's, not a dependency's. */
export const isProjectNode = (node: PackageNode): boolean => node.isRoot || node.isWorkspace;

export function declarerOf(node: PackageNode): Declarer {
  return { name: node.name, version: node.version, isProject: isProjectNode(node) };
}

/** Every declared dependency that resolves to a node in the tree, with that node. */
export function* resolvedEdges(tree: DependencyTree): Generator<{ edge: Edge; node: PackageNode }> {
  for (const from of tree.nodes.values()) {
    for (const edge of from.edgesOut.values()) if (edge.to) yield { edge, node: edge.to };
  }
}

/**
 * Packages that were fetched into a node_modules folder: not the project, its workspaces, symlinks, or the
 * local folders symlinks point at (`file:../lib`, which local-dependency judges).
 */
export const isFetchedPackage = (node: PackageNode): boolean =>
  !isProjectNode(node) && !node.isLink && !node.isLinkTarget && node.location.includes('node_modules/');

/**
 * Whether a node's bytes should be pinned by an integrity hash: tarballs (registry, URL, file:) yes; git
 * checkouts, links and bundled packages have none by design. With no `resolved`, a lockfile entry is a
 * registry tarball; an installed tree that does not record it is unknown, not missing; a name to vet has
 * resolved to nothing yet.
 */
export function needsIntegrity(tree: DependencyTree, node: PackageNode): boolean {
  if (!isFetchedPackage(node) || node.inBundle) return false;
  if (node.resolved === undefined) return tree.format.startsWith('npm-lockfile');
  const kind = classifyResolved(node.resolved);
  return kind === 'tarball-url' || kind === 'file' || kind === 'unparsable';
}

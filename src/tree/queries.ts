import { posix } from 'node:path';
import type { Declarer } from '../findings/model.js';
import { isRangeSpec, resolvedSource, specType, type ResolvedSource } from '../npm/specs.js';
import type { DependencyTree, Edge, PackageNode } from './model.js';

/** The project's own packages: the root and its workspaces. Their choices are the user's, not a dependency's. */
export const isProjectNode = (node: PackageNode): boolean => node.isRoot || node.isWorkspace;

export function declarerOf(node: PackageNode): Declarer {
  return { name: node.name, version: node.version, isProject: isProjectNode(node) };
}

type ResolvedEdges = readonly { readonly edge: Edge; readonly node: PackageNode }[];
const resolvedByTree = new WeakMap<DependencyTree, { size: number; list: ResolvedEdges }>();

/**
 * Every declared dependency that resolves to a node in the tree, with that node. Listed once per tree (several
 * rules walk it; a vet of 20,000 names would otherwise make the pairs anew for each).
 */
export function resolvedEdges(tree: DependencyTree): ResolvedEdges {
  const known = resolvedByTree.get(tree);
  if (known !== undefined && known.size === tree.nodes.size) return known.list;
  const list: { edge: Edge; node: PackageNode }[] = [];
  for (const from of tree.nodes.values()) {
    for (const edge of from.edgesOut.values()) if (edge.to) list.push({ edge, node: edge.to });
  }
  resolvedByTree.set(tree, { size: tree.nodes.size, list });
  return list;
}

const unusualByTree = new WeakMap<DependencyTree, { size: number; edges: readonly Edge[]; resolved: ResolvedEdges }>();

function unusual(tree: DependencyTree): { edges: readonly Edge[]; resolved: ResolvedEdges } {
  const known = unusualByTree.get(tree);
  if (known !== undefined && known.size === tree.nodes.size) return known;
  const edges: Edge[] = [];
  const resolved: { edge: Edge; node: PackageNode }[] = [];
  for (const from of tree.nodes.values()) {
    for (const edge of from.edgesOut.values()) {
      if (isRangeSpec(edge.spec)) continue;
      edges.push(edge);
      if (edge.to) resolved.push({ edge, node: edge.to });
    }
  }
  const lists = { size: tree.nodes.size, edges, resolved };
  unusualByTree.set(tree, lists);
  return lists;
}

/**
 * The declared edges whose spec is not a semver range (isRangeSpec): URL, git, local, alias and tag specs, and
 * specs npm cannot read, in the tree's order. The rules that judge such specs walk only these: in a lockfile nearly
 * every spec is a range, and a vet of 20,000 names has a handful of others. Listed once per tree.
 */
export const unusualSpecEdges = (tree: DependencyTree): readonly Edge[] => unusual(tree).edges;

/** The unusualSpecEdges that resolve to a node in the tree, with that node. */
export const unusualEdges = (tree: DependencyTree): ResolvedEdges => unusual(tree).resolved;

/**
 * No dependent asked for a URL, git or local source (those are other rules'): a registry version, nothing
 * known, or a spec npm cannot read, whose tarball must then be the registry's own (fail closed).
 */
export function askedFromRegistry(node: PackageNode): boolean {
  return node.edgesIn.every((edge) => {
    const kind = specType(edge.name, edge.spec);
    return kind === 'registry' || kind === 'invalid';
  });
}

/**
 * Packages that were fetched into a node_modules folder: not the project, its workspaces, symlinks, or the
 * local folders symlinks point at (`file:../lib`, which local-dependency judges).
 */
export const isFetchedPackage = (node: PackageNode): boolean =>
  !isProjectNode(node) && !node.isLink && (!node.isLinkTarget || isStoreFolder(node)) && node.location.includes('node_modules/');

/**
 * A folder a package manager installed into a store inside node_modules (pnpm's `node_modules/.pnpm/<id>/
 * node_modules/<name>`, npm's install-strategy=linked `node_modules/.store/...`), which the top-level entries
 * symlink to. npm loads such a tree as links to fetched packages: the folder is judged as a fetched package, and
 * the link by what it points at. Installed trees only: in a lockfile, a link is what the lockfile says it is.
 */
export const isStoreFolder = (node: PackageNode): boolean =>
  node.isLinkTarget && node.location.includes('node_modules/') && !node.location.startsWith('../') && !node.isWorkspace;

/**
 * Whether a node's bytes should be pinned by an integrity hash: tarballs (registry, URL, file:) yes; git
 * checkouts, links and bundled packages have none by design; nor has a dependency not locked yet. With no `resolved`, a lockfile entry is a
 * registry tarball; an installed tree that does not record it is unknown, not missing; a name to vet has
 * resolved to nothing yet.
 */
export function needsIntegrity(tree: DependencyTree, node: PackageNode): boolean {
  if (!isFetchedPackage(node) || node.inBundle || node.declaredOnly) return false;
  if (node.resolved === undefined) return tree.format !== 'node-modules' && tree.format !== 'names';
  const kind = resolvedSource(node.name, node.resolved).type;
  return kind === 'tarball' || kind === 'file' || kind === 'registry' || kind === 'invalid';
}

/**
 * Where npm takes a node's bytes from: its `resolved` as npm-package-arg reads it, a link's target folder, or
 * (no `resolved`) the registry by name and version, as arborist does for a lockfile entry. An installed tree
 * that does not record where a package came from is `unrecorded`.
 */
export type NodeSource = ResolvedSource | { readonly type: 'link'; readonly target: string } | { readonly type: 'unrecorded' };

// Shared answers: every node of a names tree, and most of a lockfile's, has one of these.
const UNRECORDED: NodeSource = Object.freeze({ type: 'unrecorded' });
const FROM_REGISTRY: NodeSource = Object.freeze({ type: 'registry' });

export function sourceOf(tree: DependencyTree, node: PackageNode): NodeSource {
  if (node.isLink && tree.format === 'node-modules' && node.target && isStoreFolder(node.target)) return sourceOf(tree, node.target);
  if (node.isLink) return { type: 'link', target: node.target?.location ?? node.resolved ?? '' };
  if (node.resolved === undefined) return tree.format === 'node-modules' ? UNRECORDED : FROM_REGISTRY;
  return resolvedSource(node.name, node.resolved);
}

/** A path, relative to a package's folder as npm resolves it, leads out of the project; absolute and `~` paths do. */
export function pointsOutside(fromLocation: string, path: string): boolean {
  if (path.startsWith('/') || path.startsWith('~') || path.startsWith('\\') || /^[a-z]:/i.test(path)) return true;
  const joined = posix.normalize(posix.join(fromLocation || '.', path.replaceAll('\\', '/')));
  return joined === '..' || joined.startsWith('../');
}

import ssri from 'ssri';
import { isFetchedPackage } from './edges.js';
import { classifyResolved } from './specs.js';
import type { DependencyTree, PackageNode } from '../types.js';

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

/** The hash algorithms an integrity string holds; empty when nothing in it parses. */
export function integrityAlgorithms(integrity: string): string[] {
  const parsed = ssri.parse(integrity) as unknown as Record<string, unknown> | null;
  return parsed ? Object.keys(parsed).filter((key) => Array.isArray(parsed[key]) && (parsed[key] as unknown[]).length > 0) : [];
}

import { getHashes } from 'node:crypto';
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

// An SRI hash: `algorithm-base64digest`, optional `?options`.
const SRI_HASH = /^([a-z0-9]+)-([A-Za-z0-9+/=_-]+)(?:\?[\x21-\x7e]*)?$/;
let knownAlgorithms: ReadonlySet<string> | undefined;

/**
 * The hash algorithms an integrity string holds; empty when nothing in it parses. Reads it as ssri does
 * (algorithms Node knows; tested against ssri), but stricter on the digest, which must be base64: anything else
 * pins nothing and fails closed. Without ssri's objects, since this runs for every package of a tree.
 */
export function integrityAlgorithms(integrity: string): string[] {
  knownAlgorithms ??= new Set(getHashes());
  const algorithms = new Set<string>();
  for (const part of integrity.trim().split(/\s+/)) {
    const algorithm = SRI_HASH.exec(part)?.[1];
    if (algorithm && knownAlgorithms.has(algorithm)) algorithms.add(algorithm);
  }
  return [...algorithms];
}

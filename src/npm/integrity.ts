import { getHashes } from 'node:crypto';

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

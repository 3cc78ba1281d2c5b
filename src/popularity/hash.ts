/** The hashes of the data files' keys. The data build and the runtime share them, so both hash alike. */

export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a over UTF-16 code units. */
export function hash32(text: string): number {
  return continueHash(FNV_OFFSET, text, 0, text.length);
}

/**
 * FNV-1a is sequential: the hash of a prefix followed by text[from, to) continues the prefix's hash. The hot
 * paths hash slices, deletions and affix-stripped forms this way without building the strings.
 */
export function continueHash(prefixHash: number, text: string, from: number, to: number): number {
  let hash = prefixHash;
  for (let index = from; index < to; index++) hash = Math.imul(hash ^ text.charCodeAt(index), FNV_PRIME);
  return hash >>> 0;
}

/** continueHash over character codes held in an array. */
export function continueHashOfCodes(prefixHash: number, codes: Uint16Array, count: number): number {
  let hash = prefixHash;
  for (let index = 0; index < count; index++) hash = Math.imul(hash ^ codes[index]!, FNV_PRIME);
  return hash >>> 0;
}

/** A second, independent hash (different offset basis and a final mix), for double hashing in the Bloom filter. */
export function hash32b(text: string): number {
  let hash = 0x9747b28c;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x5bd1e995);
    hash ^= hash >>> 15;
  }
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

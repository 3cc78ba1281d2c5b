import { candidateHashes, hash32, hash32b, targetKeys } from './keys.js';

/**
 * The binary tables behind the near-miss search and the registered-name record. Encoders run in the data
 * build; decoders wrap the bytes as they are read from disk, with no parse step.
 */

const BUCKET_BITS = 16;
const BUCKETS = 1 << BUCKET_BITS;
const NEAR_MISS_MAGIC = 0x4d4e5744; // 'DWNM'
const POPULARITY_MAGIC = 0x50505744; // 'DWPP'
const BLOOM_MAGIC = 0x46425744; // 'DWBF'

/**
 * Near-miss keys: for each key hash, the popular names (by rank) indexed under it. Laid out as a bucket
 * directory on the hash's high 16 bits, then the low 16 bits and the rank of every entry, sorted.
 */
export function encodeNearMissTable(targets: readonly string[]): Uint8Array {
  if (targets.length > 0xffff) throw new Error('at most 65,535 targets fit in 16-bit ranks');
  const pairs: number[] = [];
  targets.forEach((name, rank) => {
    for (const key of targetKeys(name)) pairs.push(hash32(key), rank);
  });
  const count = pairs.length / 2;
  const order = Array.from({ length: count }, (_, index) => index).sort((a, b) => pairs[a * 2]! - pairs[b * 2]! || pairs[a * 2 + 1]! - pairs[b * 2 + 1]!);
  const bytes = new Uint8Array(12 + (BUCKETS + 1) * 4 + count * 4);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, NEAR_MISS_MAGIC, true);
  view.setUint32(4, count, true);
  view.setUint32(8, targets.length, true);
  const directory = 12;
  const lows = directory + (BUCKETS + 1) * 4;
  const ranks = lows + count * 2;
  let bucket = 0;
  order.forEach((pair, position) => {
    const hash = pairs[pair * 2]!;
    while (bucket <= hash >>> BUCKET_BITS) view.setUint32(directory + 4 * bucket++, position, true);
    view.setUint16(lows + position * 2, hash & 0xffff, true);
    view.setUint16(ranks + position * 2, pairs[pair * 2 + 1]!, true);
  });
  while (bucket <= BUCKETS) view.setUint32(directory + 4 * bucket++, count, true);
  return bytes;
}

export class NearMissTable {
  private readonly directory: Uint32Array;
  private readonly lows: Uint16Array;
  private readonly ranks: Uint16Array;

  constructor(bytes: Uint8Array) {
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    const view = new DataView(aligned.buffer, aligned.byteOffset, aligned.byteLength);
    if (view.getUint32(0, true) !== NEAR_MISS_MAGIC) throw new Error('not a near-miss table');
    const count = view.getUint32(4, true);
    const base = aligned.byteOffset;
    this.directory = new Uint32Array(aligned.buffer, base + 12, BUCKETS + 1);
    this.lows = new Uint16Array(aligned.buffer, base + 12 + (BUCKETS + 1) * 4, count);
    this.ranks = new Uint16Array(aligned.buffer, base + 12 + (BUCKETS + 1) * 4 + count * 2, count);
  }

  /** Ranks of the popular names that share a look-up key with `name`, each once. */
  candidatesFor(name: string): Set<number> {
    const found = new Set<number>();
    for (const hash of candidateHashes(name)) {
      const bucket = hash >>> BUCKET_BITS;
      const low = hash & 0xffff;
      for (let position = this.directory[bucket]!; position < this.directory[bucket + 1]!; position++) {
        if (this.lows[position] === low) found.add(this.ranks[position]!);
      }
    }
    return found;
  }
}

/**
 * Popular names and their monthly downloads, most downloaded first (the rank). A hash directory finds a name
 * without parsing anything; the names of the first `targets` ranks are stored in full, so a hit on an
 * established package is verified character for character (a crafted hash collision cannot fake one).
 */
export function encodePopularity(popular: readonly (readonly [name: string, downloads: number])[], targets: number): Uint8Array {
  const order = popular.map((_, rank) => rank).sort((a, b) => hash32(popular[a]![0]) - hash32(popular[b]![0]) || a - b);
  const names = popular.slice(0, targets).map(([name]) => name).join('');
  const count = popular.length;
  const header = 16;
  const directory = header;
  const lows = directory + (BUCKETS + 1) * 4;
  const ranks = align4(lows + count * 2);
  const downloads = ranks + count * 4;
  const offsets = downloads + count * 4;
  const text = offsets + (targets + 1) * 4;
  const bytes = new Uint8Array(text + names.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, POPULARITY_MAGIC, true);
  view.setUint32(4, count, true);
  view.setUint32(8, targets, true);
  view.setUint32(12, names.length, true);
  let bucket = 0;
  order.forEach((rank, position) => {
    const hash = hash32(popular[rank]![0]);
    while (bucket <= hash >>> BUCKET_BITS) view.setUint32(directory + 4 * bucket++, position, true);
    view.setUint16(lows + position * 2, hash & 0xffff, true);
    view.setUint32(ranks + position * 4, rank, true);
  });
  while (bucket <= BUCKETS) view.setUint32(directory + 4 * bucket++, count, true);
  popular.forEach(([, count], rank) => view.setUint32(downloads + rank * 4, count, true));
  let offset = 0;
  for (let rank = 0; rank < targets; rank++) {
    view.setUint32(offsets + rank * 4, offset, true);
    offset += popular[rank]![0].length;
  }
  view.setUint32(offsets + targets * 4, offset, true);
  for (let index = 0; index < names.length; index++) bytes[text + index] = names.charCodeAt(index);
  return bytes;
}

const align4 = (offset: number): number => (offset + 3) & ~3;

export class PopularityTable {
  private readonly directory: Uint32Array;
  private readonly lows: Uint16Array;
  private readonly ranks: Uint32Array;
  private readonly counts: Uint32Array;
  private readonly offsets: Uint32Array;
  private readonly names: string;
  readonly targets: number;

  constructor(bytes: Uint8Array) {
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    const view = new DataView(aligned.buffer, aligned.byteOffset, aligned.byteLength);
    if (view.getUint32(0, true) !== POPULARITY_MAGIC) throw new Error('not a popularity table');
    const count = view.getUint32(4, true);
    this.targets = view.getUint32(8, true);
    const textLength = view.getUint32(12, true);
    const base = aligned.byteOffset;
    const lows = 16 + (BUCKETS + 1) * 4;
    const ranks = align4(lows + count * 2);
    const downloads = ranks + count * 4;
    const offsets = downloads + count * 4;
    const text = offsets + (this.targets + 1) * 4;
    this.directory = new Uint32Array(aligned.buffer, base + 16, BUCKETS + 1);
    this.lows = new Uint16Array(aligned.buffer, base + lows, count);
    this.ranks = new Uint32Array(aligned.buffer, base + ranks, count);
    this.counts = new Uint32Array(aligned.buffer, base + downloads, count);
    this.offsets = new Uint32Array(aligned.buffer, base + offsets, this.targets + 1);
    this.names = Buffer.from(aligned.buffer, base + text, textLength).toString('latin1');
  }

  /** The rank of a listed name (verified in full for targets), or -1. */
  rankOf(name: string): number {
    const hash = hash32(name);
    const bucket = hash >>> BUCKET_BITS;
    const low = hash & 0xffff;
    for (let position = this.directory[bucket]!; position < this.directory[bucket + 1]!; position++) {
      if (this.lows[position] !== low) continue;
      const rank = this.ranks[position]!;
      if (rank >= this.targets || this.targetName(rank) === name) return rank;
    }
    return -1;
  }

  downloadsAt(rank: number): number {
    return this.counts[rank]!;
  }

  targetName(rank: number): string {
    return this.names.slice(this.offsets[rank]!, this.offsets[rank + 1]!);
  }
}

/** A Bloom filter of every registered name: "absent" is certain, "present" is wrong at the measured rate. */
export function encodeBloom(names: Iterable<string>, bits: number, hashes: number): Uint8Array {
  const bytes = new Uint8Array(12 + Math.ceil(bits / 8));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, BLOOM_MAGIC, true);
  view.setUint32(4, bits, true);
  view.setUint32(8, hashes, true);
  for (const name of names) for (const bit of bloomBits(name, bits, hashes)) bytes[12 + (bit >>> 3)]! |= 1 << (bit & 7);
  return bytes;
}

export class BloomFilter {
  private readonly bits: number;
  private readonly hashes: number;

  constructor(private readonly bytes: Uint8Array) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== BLOOM_MAGIC) throw new Error('not a name record');
    this.bits = view.getUint32(4, true);
    this.hashes = view.getUint32(8, true);
  }

  has(name: string): boolean {
    for (const bit of bloomBits(name, this.bits, this.hashes)) if ((this.bytes[12 + (bit >>> 3)]! & (1 << (bit & 7))) === 0) return false;
    return true;
  }
}

/** Kirsch–Mitzenmacher double hashing: k positions from two hashes. */
function* bloomBits(name: string, bits: number, hashes: number): Generator<number> {
  const first = hash32(name);
  const second = hash32b(name) | 1;
  for (let index = 0; index < hashes; index++) yield (first + Math.imul(index, second) >>> 0) % bits;
}

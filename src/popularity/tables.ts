import { bitCount, nameFacts, type NameFacts } from './forms.js';
import { continueHash, hash32, hash32b } from './hash.js';
import { candidateHashes, targetKeys } from './keys.js';
import { PROBE_FIELDS, editsSearched, partKeys, partsNeeded, probePlan } from './parts.js';

/**
 * The binary tables behind the near-miss search and the registered-name record. Encoders run in the data
 * build; decoders wrap the bytes as they are read from disk, with no parse step.
 */

const NEAR_MISS_MAGIC = 0x4d4e5744; // 'DWNM'
const PARTS_MAGIC = 0x54505744; // 'DWPT'
const POPULARITY_MAGIC = 0x50505744; // 'DWPP'
const BLOOM_MAGIC = 0x46425744; // 'DWBF'
/** The near-miss table is large (every key of ~40k names); the part table is small, and small buckets keep it in cache. */
const NEAR_MISS_BUCKET_BITS = 16;
/** The popularity table's hash directory. */
const BUCKET_BITS = 16;
const BUCKETS = 1 << BUCKET_BITS;
const PARTS_BUCKET_BITS = 14;

/**
 * A key table: for each key hash, the popular names (by rank) indexed under it. Laid out as a header (magic,
 * entry count, target count, bucket bits), a bucket directory on the hash's high bits, then the entries by
 * bucket and by the hash's low 16 bits, each one 32-bit word: those low bits above the rank, so a look-up reads
 * one cache line of them. A hash collision only adds a candidate, which `relate` then rejects.
 */
function encodeKeyTable(magic: number, bucketBits: number, targets: readonly string[], keysOf: (name: string, rank: number) => Iterable<string>): Uint8Array {
  if (targets.length > 0xffff) throw new Error('at most 65,535 targets fit in 16-bit ranks');
  const pairs: number[] = [];
  targets.forEach((name, rank) => {
    for (const key of keysOf(name, rank)) pairs.push(hash32(key), rank);
  });
  const count = pairs.length / 2;
  // By bucket, then by the low 16 bits that the entries keep: a look-up stops scanning past its own.
  const sortKey = (pair: number): number => (pairs[pair * 2]! >>> (32 - bucketBits)) * 0x10000 + (pairs[pair * 2]! & 0xffff);
  const order = Array.from({ length: count }, (_, index) => index).sort((a, b) => sortKey(a) - sortKey(b) || pairs[a * 2 + 1]! - pairs[b * 2 + 1]!);
  const buckets = 1 << bucketBits;
  const bytes = new Uint8Array(HEADER + (buckets + 1) * 4 + count * 4);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic, true);
  view.setUint32(4, count, true);
  view.setUint32(8, targets.length, true);
  view.setUint32(12, bucketBits, true);
  const entries = HEADER + (buckets + 1) * 4;
  let bucket = 0;
  order.forEach((pair, position) => {
    const hash = pairs[pair * 2]!;
    while (bucket <= hash >>> (32 - bucketBits)) view.setUint32(HEADER + 4 * bucket++, position, true);
    view.setUint32(entries + position * 4, (((hash & 0xffff) << 16) | pairs[pair * 2 + 1]!) >>> 0, true);
  });
  while (bucket <= buckets) view.setUint32(HEADER + 4 * bucket++, count, true);
  return bytes;
}
const HEADER = 16;

/** The near-miss keys of every target (see keys.ts). */
export function encodeNearMissTable(targets: readonly string[]): Uint8Array {
  return encodeKeyTable(NEAR_MISS_MAGIC, NEAR_MISS_BUCKET_BITS, targets, (name) => targetKeys(name));
}

/** The part keys of the targets that two or three edits count against (`searched(rank)`). */
export function encodePartTable(targets: readonly string[], searched: (rank: number) => boolean): Uint8Array {
  return encodeKeyTable(PARTS_MAGIC, PARTS_BUCKET_BITS, targets, (name, rank) => (searched(rank) ? partKeys(name) : []));
}

abstract class KeyTable {
  protected readonly directory: Uint32Array;
  /** Per entry: the key hash's low 16 bits, then the rank. */
  protected readonly entries: Uint32Array;
  protected readonly shift: number;
  protected readonly targets: number;

  constructor(bytes: Uint8Array, magic: number, what: string) {
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    const view = new DataView(aligned.buffer, aligned.byteOffset, aligned.byteLength);
    if (view.byteLength < HEADER || view.getUint32(0, true) !== magic) throw new Error(`not a ${what}`);
    const count = view.getUint32(4, true);
    this.targets = view.getUint32(8, true);
    const bucketBits = view.getUint32(12, true);
    this.shift = 32 - bucketBits;
    const base = aligned.byteOffset;
    const buckets = (1 << bucketBits) + 1;
    this.directory = new Uint32Array(aligned.buffer, base + HEADER, buckets);
    this.entries = new Uint32Array(aligned.buffer, base + HEADER + buckets * 4, count);
  }
}

/** Scratch: each key's bucket bounds. */
let bounds = new Uint32Array(128);
/** Where the first reads of the buckets go, so that they are not optimized away. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- written, never read, on purpose
let prefetched = 0;

export class NearMissTable extends KeyTable {
  /** Scratch: which ranks this look-up found already; cleared after it. */
  private seen = new Uint8Array(0);

  constructor(bytes: Uint8Array) {
    super(bytes, NEAR_MISS_MAGIC, 'near-miss table');
  }

  /** Ranks of the popular names that share a look-up key with `name`, each once, most popular first. */
  candidatesFor(name: string, facts: NameFacts = nameFacts(name)): number[] {
    if (this.seen.length < this.targets) this.seen = new Uint8Array(this.targets);
    const { seen, directory, entries, shift } = this;
    const found: number[] = [];
    const hashes = candidateHashes(name, facts);
    // Three passes over the keys, so that the processor overlaps their cache misses (the table is megabytes and
    // every key lands elsewhere in it): the bucket bounds of all keys, a first read of each bucket, the scans.
    if (bounds.length < hashes.length * 2) bounds = new Uint32Array(hashes.length * 4);
    for (let key = 0; key < hashes.length; key++) {
      const bucket = hashes[key]! >>> shift;
      bounds[2 * key] = directory[bucket]!;
      bounds[2 * key + 1] = directory[bucket + 1]!;
    }
    let firstEntries = 0;
    for (let key = 0; key < hashes.length; key++) firstEntries ^= entries[bounds[2 * key]!]! | 0;
    prefetched = firstEntries;
    for (let key = 0; key < hashes.length; key++) {
      const low = hashes[key]! & 0xffff;
      const end = bounds[2 * key + 1]!;
      // A bucket's entries are sorted by the low bits: the scan stops past them.
      for (let position = bounds[2 * key]!; position < end; position++) {
        const entry = entries[position]!;
        if (entry >>> 16 < low) continue;
        if (entry >>> 16 > low) break;
        const rank = entry & 0xffff;
        if (seen[rank] === 0) {
          seen[rank] = 1;
          found.push(rank);
        }
      }
    }
    for (const rank of found) seen[rank] = 0;
    return ascending(found);
  }
}

export class PartTable extends KeyTable {
  /** Scratch, by rank: a bit per part found where two edits can have moved it, and where three can. */
  private withinTwo = new Uint8Array(0);
  private withinThree = new Uint8Array(0);
  private touched = new Uint16Array(0);
  /** The length of the target, from the tag of the part key that found it. */
  private lengths = new Uint8Array(0);

  constructor(bytes: Uint8Array) {
    super(bytes, PARTS_MAGIC, 'part table');
  }

  /**
   * Ranks of the popular names that may be two edits from `name`, or three from a long one, in no particular
   * order (dozens for a short name: the caller filters before it sorts): those with enough distinct parts found
   * intact (see parts.ts). The hot loop of a look-up that found
   * nothing nearer, so it works on the precomputed plan and scratch arrays, without closures.
   */
  candidatesFor(name: string, facts: NameFacts = nameFacts(name)): number[] {
    if (this.withinTwo.length < this.targets) {
      this.withinTwo = new Uint8Array(this.targets);
      this.withinThree = new Uint8Array(this.targets);
      this.touched = new Uint16Array(this.targets);
      this.lengths = new Uint8Array(this.targets);
    }
    const { withinTwo, withinThree, touched, lengths, directory, entries, shift } = this;
    const bare = facts.bareUndelimited;
    const plan = probePlan(bare.length);
    let touchedCount = 0;
    for (let probe = 0; probe < plan.length; probe += PROBE_FIELDS) {
      const at = plan[probe + 1]!;
      const hash = continueHash(plan[probe]!, bare, at, at + plan[probe + 2]!);
      const bit = 1 << plan[probe + 4]!;
      const twoEdits = plan[probe + 5] === 1;
      const low = hash & 0xffff;
      const bucket = hash >>> shift;
      const end = directory[bucket + 1]!;
      for (let position = directory[bucket]!; position < end; position++) {
        const entry = entries[position]!;
        if (entry >>> 16 < low) continue;
        if (entry >>> 16 > low) break;
        const rank = entry & 0xffff;
        if (withinThree[rank] === 0) {
          touched[touchedCount++] = rank;
          lengths[rank] = plan[probe + 3]!;
        }
        withinThree[rank]! |= bit;
        if (twoEdits) withinTwo[rank]! |= bit;
      }
    }
    const qualified: number[] = [];
    for (let index = 0; index < touchedCount; index++) {
      const rank = touched[index]!;
      if (enoughParts(lengths[rank]!, withinTwo[rank]!, withinThree[rank]!)) qualified.push(rank);
      withinTwo[rank] = 0;
      withinThree[rank] = 0;
    }
    return qualified;
  }
}

/** Sorts ranks in place. Insertion sort: the lists are short, and Array#sort's comparator calls cost more. */
export function ascending(ranks: number[]): number[] {
  for (let index = 1; index < ranks.length; index++) {
    const rank = ranks[index]!;
    let at = index;
    for (; at > 0 && ranks[at - 1]! > rank; at--) ranks[at] = ranks[at - 1]!;
    ranks[at] = rank;
  }
  return ranks;
}

function enoughParts(length: number, withinTwo: number, withinThree: number): boolean {
  if (bitCount(withinTwo) >= partsNeeded(length, 2)) return true;
  return editsSearched(length) === 3 && bitCount(withinThree) >= partsNeeded(length, 3);
}

/**
 * Popular names and their monthly downloads, most downloaded first (the rank). A hash directory finds a name
 * without parsing anything; the names of the first `targets` ranks are stored in full, so a hit on an
 * established package is verified character for character (a crafted hash collision cannot fake one).
 */
export function encodePopularity(popular: readonly (readonly [name: string, downloads: number])[], targets: number): Uint8Array {
  const order = popular.map((_, rank) => rank).sort((a, b) => hash32(popular[a]![0]) - hash32(popular[b]![0]) || a - b);
  const names = popular
    .slice(0, targets)
    .map(([name]) => name)
    .join('');
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

  /** Sized up front: filled at scattered ranks, an empty array would turn into a slow dictionary. */
  private readonly decoded: (string | undefined)[];

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
    this.decoded = new Array<string | undefined>(this.targets);
  }

  /** The rank of a listed name (verified in full for targets), or -1. */
  rankOf(name: string): number {
    const hash = hash32(name);
    const bucket = hash >>> BUCKET_BITS;
    const low = hash & 0xffff;
    for (let position = this.directory[bucket]!; position < this.directory[bucket + 1]!; position++) {
      if (this.lows[position] !== low) continue;
      const rank = this.ranks[position]!;
      if (rank >= this.targets || this.isNameAt(rank, name)) return rank;
    }
    return -1;
  }

  /** targetName(rank) === name, compared in place: a look-up then decodes (and keeps) no string. */
  private isNameAt(rank: number, name: string): boolean {
    const start = this.offsets[rank]!;
    if (this.offsets[rank + 1]! - start !== name.length) return false;
    for (let index = 0; index < name.length; index++) if (this.names.charCodeAt(start + index) !== name.charCodeAt(index)) return false;
    return true;
  }

  downloadsAt(rank: number): number {
    return this.counts[rank]!;
  }

  /**
   * Kept once decoded: the same string object hashes once in every Map it is looked up in. Only the first
   * `targets` ranks have their names stored; any other rank is an error (its offsets would be undefined, and
   * slice(undefined, undefined) the whole blob of names).
   */
  targetName(rank: number): string {
    if (!(rank >= 0 && rank < this.targets && Number.isInteger(rank))) throw new RangeError(`rank ${rank} has no stored name (0 to ${this.targets - 1})`);
    return (this.decoded[rank] ??= this.names.slice(this.offsets[rank]!, this.offsets[rank + 1]!));
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

  /** The positions of bloomBits, inline: a generator per name costs a long list to vet its garbage collection. */
  has(name: string): boolean {
    const first = hash32(name);
    const second = hash32b(name) | 1;
    for (let index = 0; index < this.hashes; index++) {
      const bit = ((first + Math.imul(index, second)) >>> 0) % this.bits;
      if ((this.bytes[12 + (bit >>> 3)]! & (1 << (bit & 7))) === 0) return false;
    }
    return true;
  }
}

/** Kirsch–Mitzenmacher double hashing: k positions from two hashes. */
function* bloomBits(name: string, bits: number, hashes: number): Generator<number> {
  const first = hash32(name);
  const second = hash32b(name) | 1;
  for (let index = 0; index < hashes; index++) yield ((first + Math.imul(index, second)) >>> 0) % bits;
}

import { bitCount, nameFacts, type NameFacts } from './forms.js';
import { editsSearched } from './parts.js';
import { ascending, type BloomFilter, type NearMissTable, type PartTable, type PopularityTable } from './tables.js';

/** What `data/meta.json` records about the data files and how they were cut. */
export interface PopularityMeta {
  readonly source: string;
  readonly sourceVersion: string;
  /** When the download counts were taken (from the source package's version), YYYY-MM-DD. */
  readonly countsDate: string;
  readonly registeredNames: number;
  /** Names with at least this many monthly downloads are listed with their counts. */
  readonly popularMin: number;
  /** Names with at least this many monthly downloads are near-miss targets. */
  readonly targetMin: number;
  readonly bloom: { readonly bits: number; readonly hashes: number; readonly falsePositiveRate: number };
}

/**
 * Registered names the source package leaves out (download-counts@2.20260301.0 has no `atob` or `btoa`, both
 * real and widely used), found where the record contradicted a real lockfile (#19). Listed here, not in the
 * generated files, so the next `npm run data` keeps them.
 */
const MISSING_FROM_RECORD: ReadonlySet<string> = new Set(['atob', 'btoa']);

/** The tables behind a NameIndex, each built on first call and then kept (load.ts reads them from data/). */
export interface NameTables {
  popularity(): PopularityTable;
  nearMiss(): NearMissTable;
  parts(): PartTable;
  registered(): BloomFilter;
}

/**
 * Offline knowledge of npm names: monthly downloads of the popular ones, the near-miss key table over the
 * targets, and a record of every registered name.
 */
export class NameIndex {
  private readonly factsByRank: NameFacts[] = [];
  /** The targets' letter sets and bare lengths, for the part search's filter; 0 until first needed. */
  private letters = new Uint32Array(0);
  private lengths = new Uint8Array(0);

  /**
   * Each table is read on first use: a warm lockfile check never asks the 4 MB record of registered names
   * (the registry's facts answer for every package), and a one-name `vet` reads only what its look-ups need.
   */
  constructor(
    private readonly tables: NameTables,
    readonly meta: PopularityMeta,
  ) {}

  private get popularity(): PopularityTable {
    return this.tables.popularity();
  }

  /** Monthly downloads, when the name is popular enough to be listed (at least meta.popularMin). */
  downloads(name: string): number | undefined {
    const rank = this.popularity.rankOf(name);
    return rank === -1 ? undefined : this.popularity.downloadsAt(rank);
  }

  /**
   * False means not in the record of registered names (or its known holes); true may be wrong at
   * bloom.falsePositiveRate.
   */
  isRegistered(name: string): boolean {
    // A listed name (popular: from the same record) is registered, so the 4 MB record is read only for the others: a
    // list of names to vet is mostly popular names. An unlisted name matches a listed one's 32-bit hash about 92,000
    // in 2^32 times, far below the record's own false-positive rate.
    return this.popularity.rankOf(name) !== -1 || this.tables.registered().has(name) || MISSING_FROM_RECORD.has(name);
  }

  /** The ranks of the popular names (near-miss targets) sharing a look-up key with `name`; rank 0 is the most downloaded. */
  lookalikeRanks(name: string, facts?: NameFacts): number[] {
    return this.tables.nearMiss().candidatesFor(name, facts);
  }

  /**
   * The ranks of the popular names possibly two edits from `name`, or three from a long one, most popular first:
   * the slower, second search. Each edit changes at most two letters of a name's letter set, so a popcount rules out most
   * of the names that merely share a part before anything costlier.
   */
  distantRanks(name: string, facts: NameFacts = nameFacts(name)): number[] {
    const ranks = this.tables.parts().candidatesFor(name, facts);
    if (this.letters.length === 0) {
      this.letters = new Uint32Array(this.popularity.targets);
      this.lengths = new Uint8Array(this.popularity.targets);
    }
    const { letters, lengths } = this;
    let kept = 0;
    for (const rank of ranks) {
      if (lengths[rank] === 0) {
        const theirs = this.targetFacts(rank);
        letters[rank] = theirs.letters;
        lengths[rank] = Math.min(255, theirs.bareUndelimited.length);
      }
      if (bitCount(facts.letters ^ letters[rank]!) <= 2 * editsSearched(lengths[rank]!)) ranks[kept++] = rank;
    }
    ranks.length = kept;
    return ascending(ranks);
  }

  targetName(rank: number): string {
    return this.popularity.targetName(rank);
  }

  targetDownloads(rank: number): number {
    return this.popularity.downloadsAt(rank);
  }

  /** Derived once per target: the same targets come up look-up after look-up. */
  targetFacts(rank: number): NameFacts {
    return (this.factsByRank[rank] ??= nameFacts(this.popularity.targetName(rank)));
  }
}

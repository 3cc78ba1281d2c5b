import type { BloomFilter, NearMissTable, PartTable, PopularityTable } from './tables.js';

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
 * Offline knowledge of npm names: monthly downloads of the popular ones, the near-miss key table over the
 * targets, and a record of every registered name.
 */
export class NameIndex {
  constructor(
    private readonly popularity: PopularityTable,
    private readonly table: NearMissTable,
    private readonly parts: PartTable,
    private readonly registered: BloomFilter,
    readonly meta: PopularityMeta,
  ) {}

  /** Monthly downloads, when the name is popular enough to be listed (at least meta.popularMin). */
  downloads(name: string): number | undefined {
    const rank = this.popularity.rankOf(name);
    return rank === -1 ? undefined : this.popularity.downloadsAt(rank);
  }

  /** False means certainly not registered when the data was taken; true may be wrong at bloom.falsePositiveRate. */
  isRegistered(name: string): boolean {
    return this.registered.has(name);
  }

  /** The ranks of the popular names (near-miss targets) sharing a look-up key with `name`; rank 0 is the most downloaded. */
  lookalikeRanks(name: string): number[] {
    return [...this.table.candidatesFor(name)].sort((a, b) => a - b);
  }

  /** The ranks of the long popular names possibly two edits from `name`: the slower, second search. */
  distantRanks(name: string): number[] {
    return this.parts.candidatesFor(name);
  }

  target(rank: number): { name: string; downloads: number } {
    return { name: this.popularity.targetName(rank), downloads: this.popularity.downloadsAt(rank) };
  }
}

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Look-ups answered with one stat each before the top-level folders are listed instead. A listing costs about what
 * a stat does, and answers every later look-up in its folder: a long run of look-ups soon pays for all 256.
 */
export const STATS_BEFORE_LISTING = 100;
/** A top-level folder with more second-level folders than this (of 256) is from a large cache: listings would not pay. */
const SPARSE_MAX = 64;

/**
 * Whether cacache's index holds a bucket for a key hash (`index-v5/<2 hex>/<2 hex>/<rest>`). Each look-up takes one
 * stat, except in a long run of them (a list of tens of thousands of names to vet, nearly all not cached) against a
 * cache of a few thousand entries: there most second-level folders do not exist, so past the first hundred look-ups the
 * 256 top-level folders are listed, each once, and a hash whose second-level folder is not listed is a miss
 * without a system call. In a large cache nearly every second-level folder exists and the stats stay. A bucket
 * written after its folder was listed counts as a miss, as a stat made at that moment would have.
 */
export class CacheIndexBuckets {
  private stats = 0;
  private sparse: boolean | undefined;
  private readonly listings = new Map<string, ReadonlySet<string>>();

  constructor(private readonly index: string) {}

  has(hash: string): boolean {
    const top = hash.slice(0, 2);
    const second = hash.slice(2, 4);
    if (this.stats < STATS_BEFORE_LISTING) this.stats++;
    else if (this.sparse ?? (this.sparse = this.listing(top).size <= SPARSE_MAX)) {
      if (!this.listing(top).has(second)) return false;
    }
    return existsSync(join(this.index, top, second, hash.slice(4)));
  }

  private listing(top: string): ReadonlySet<string> {
    let names = this.listings.get(top);
    if (names === undefined) {
      names = new Set(readNames(join(this.index, top)));
      this.listings.set(top, names);
    }
    return names;
  }
}

/** A folder's entries; none when it does not exist (or cannot be read: then no bucket in it can be either). */
function readNames(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

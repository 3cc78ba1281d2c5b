import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Look-ups answered with one stat each before the folders are listed instead. */
const STATS_BEFORE_LISTING = 1_000;

/**
 * Whether cacache's index holds a bucket for a key hash (`index-v5/<2 hex>/<2 hex>/<rest>`). The first look-ups
 * take one stat each; past a thousand (a long list to vet: tens of thousands of names, nearly all not cached) the
 * folders are listed instead, each once per run: at most 256 listings of the top level and one per second-level
 * folder asked, after which a name costs a hash and two set look-ups instead of a system call. A bucket written
 * after its folder was listed counts as a miss, as a stat made at that moment would have.
 */
export class CacheIndexBuckets {
  private stats = 0;
  private readonly listings = new Map<string, ReadonlySet<string>>();

  constructor(private readonly index: string) {}

  has(hash: string): boolean {
    const top = hash.slice(0, 2);
    const second = hash.slice(2, 4);
    const rest = hash.slice(4);
    if (this.stats < STATS_BEFORE_LISTING) {
      this.stats++;
      return existsSync(join(this.index, top, second, rest));
    }
    return this.listing(top).has(second) && this.listing(`${top}/${second}`).has(rest);
  }

  private listing(folder: string): ReadonlySet<string> {
    let names = this.listings.get(folder);
    if (names === undefined) {
      names = new Set(readNames(join(this.index, folder)));
      this.listings.set(folder, names);
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

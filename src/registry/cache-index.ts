import { existsSync, readdirSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

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
  /** By top-level folder (its two hex digits' value): which of the 256 second-level folders it holds, once listed. */
  private readonly listings: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(256).fill(undefined);

  private readonly index: string;

  constructor(index: string) {
    // Absolute, without a trailing separator: look-ups append to it.
    this.index = resolve(index);
  }

  has(hash: string): boolean {
    if (this.stats < STATS_BEFORE_LISTING) this.stats++;
    else {
      // The folders by the values of their hex digits: no string is made per look-up (a list of 20,000 names).
      const top = hexByte(hash, 0);
      if (top >= 0 && (this.sparse ??= count(this.listing(top)) <= SPARSE_MAX)) {
        const second = hexByte(hash, 2);
        if (second >= 0 && this.listing(top)[second] === 0) return false;
      }
    }
    // Joined by hand: the folder is already a clean path, and path.join's normalisation would be compiled into this
    // hot function (tens of thousands of look-ups) for nothing.
    return existsSync(`${this.index}${sep}${hash.slice(0, 2)}${sep}${hash.slice(2, 4)}${sep}${hash.slice(4)}`);
  }

  private listing(top: number): Uint8Array {
    let held = this.listings[top];
    if (held === undefined) {
      held = new Uint8Array(256);
      for (const name of readNames(join(this.index, top.toString(16).padStart(2, '0')))) {
        // cacache writes lower-case hex; any other entry names no folder a look-up goes to.
        const second = name.length === 2 ? hexByte(name, 0) : -1;
        if (second >= 0) held[second] = 1;
      }
      this.listings[top] = held;
    }
    return held;
  }
}

/** The value of two lower-case hex digits at `at`, or -1 (then the look-up takes the stat). */
function hexByte(text: string, at: number): number {
  const high = hexDigit(text.charCodeAt(at));
  const low = hexDigit(text.charCodeAt(at + 1));
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

const count = (held: Uint8Array): number => held.reduce((sum, one) => sum + one, 0);

/** A folder's entries; none when it does not exist (or cannot be read: then no bucket in it can be either). */
function readNames(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

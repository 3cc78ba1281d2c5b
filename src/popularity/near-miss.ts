import type { NameIndex } from './index.js';
import { bitCount, factsOf, type NameFacts } from './keys.js';
import { editDistance } from '../text/distance.js';
import { relate, type NearMissFamily } from './relate.js';

export interface NearMiss {
  readonly name: string;
  readonly target: string;
  readonly family: NearMissFamily;
  /** undefined: fewer than the index's popularMin downloads a month. */
  readonly downloads: number | undefined;
  readonly targetDownloads: number;
  readonly severity: 'high' | 'medium' | 'low';
}

/** A name with this many monthly downloads is an established package, not a squat, whatever it resembles. */
export const ESTABLISHED_DOWNLOADS = 100_000;
/** The imitated package must be this many times as popular as the candidate. */
export const POPULARITY_RATIO = 100;
/**
 * Families that also join legitimate sibling packages (`tryer`/`tryor`, `x`/`x-cli`): worth a look, not an
 * alarm. A plain one-letter change is common between unrelated names; it needs a very popular target.
 */
const WEAKER: ReadonlySet<NearMissFamily> = new Set(['scope', 'affix', 'edit-distance-2', 'plugin-shorthand', 'substitution']);
const VERY_POPULAR = 10_000_000;
/**
 * Two edits reach many unrelated names; they count only against targets squatters go after (the 2022
 * campaigns' `chokdazr`, `cmmande`, `webn5ack`).
 */
const DISTANCE_2_TARGET_MIN = 1_000_000;
/** One edit from a two- or three-letter name is half of npm; only structural families apply to them. */
const EDIT_FAMILIES: ReadonlySet<NearMissFamily> = new Set(['transposition', 'keyboard-slip', 'substitution', 'insertion', 'repeated-character', 'deletion']);
const MIN_EDIT_LENGTH = 4;

/**
 * The most popular package that `name` imitates, when the imitation is likely deliberate: the target is far
 * more popular than the candidate, and the candidate is not an established package itself.
 */
export function findNearMiss(name: string, index: NameIndex): NearMiss | undefined {
  const downloads = index.downloads(name);
  if (downloads !== undefined && downloads >= ESTABLISHED_DOWNLOADS) return undefined;
  // The fast search first; the part search for two-letter edits only when it found nothing.
  const match = firstImitated(name, downloads, index.lookalikeRanks(name), index);
  // A listed name (10,000+ downloads a month) two letters from a target is a low finding at most: not worth the
  // slower search.
  return match ?? (downloads === undefined ? firstImitated(name, downloads, index.distantRanks(name), index, true) : undefined);
}

/** Whether two-letter edits of a target count (and so whether the data build cuts it in parts). */
export function searchedAtDistance2(targetDownloads: number): boolean {
  return targetDownloads >= DISTANCE_2_TARGET_MIN;
}

/** Most popular first (lowest rank): the first target that relates is the answer. */
function firstImitated(name: string, downloads: number | undefined, ranks: readonly number[], index: NameIndex, distant = false): NearMiss | undefined {
  for (const rank of ranks) {
    const { name: target, downloads: targetDownloads } = index.target(rank);
    if (targetDownloads < POPULARITY_RATIO * (downloads ?? 0)) break;
    // The part search returns dozens of names that merely share a few letters: two cheap tests come first.
    if (distant && !withinTwoEdits(factsOf(name), factsOf(target))) continue;
    const family = relate(name, target);
    if (family === undefined || (EDIT_FAMILIES.has(family) && bareLength(name) < MIN_EDIT_LENGTH)) continue;
    if (family === 'edit-distance-2' && !searchedAtDistance2(targetDownloads)) continue;
    return { name, target, family, downloads, targetDownloads, severity: severityOf(family, downloads, targetDownloads) };
  }
  return undefined;
}

function withinTwoEdits(mine: NameFacts, theirs: NameFacts): boolean {
  return bitCount(mine.letters ^ theirs.letters) <= 4 && editDistance(mine.bareUndelimited, theirs.bareUndelimited, 2) <= 2;
}

/** High for a strong imitation by a name nobody uses; a step lower for each reason to doubt it. */
function severityOf(family: NearMissFamily, downloads: number | undefined, targetDownloads: number): NearMiss['severity'] {
  // Publishing under one's own scope is how forks are named (`@acme/lodash`); the scope shows whose it is.
  if (family === 'scope') return 'low';
  const unknown = downloads === undefined;
  if (!WEAKER.has(family)) return unknown ? 'high' : 'medium';
  return unknown && (family !== 'substitution' || targetDownloads >= VERY_POPULAR) ? 'medium' : 'low';
}

const bareLength = (name: string): number => (name.startsWith('@') ? name.length - name.indexOf('/') - 1 : name.length);

import type { NameIndex } from './index.js';
import { nameFacts, undelimited, type NameFacts } from './forms.js';
import { editsSearched } from './parts.js';
import { DistanceFrom, editDistance } from '../text/distance.js';
import { SHORT_DISTANCE_2_LENGTH, relate } from './relate.js';
import type { NearMissFamily } from '../findings/model.js';

export interface NearMiss {
  readonly name: string;
  readonly target: string;
  readonly family: NearMissFamily;
  /** undefined: fewer than the index's popularMin downloads a month. */
  readonly downloads: number | undefined;
  readonly targetDownloads: number;
  readonly severity: 'high' | 'medium' | 'low';
  /** `@x/linux-64` beside `x-linux-64`: the same words, one of them under the scope named by the other's first word. */
  readonly scopeMove: boolean;
}

/** A name with this many monthly downloads is an established package, not a squat, whatever it resembles. */
export const ESTABLISHED_DOWNLOADS = 100_000;
/** The imitated package must be this many times as popular as the candidate. */
export const POPULARITY_RATIO = 100;
/**
 * Families that also join legitimate sibling packages (`tryer`/`tryor`, `x`/`x-cli`): worth a look, not an
 * alarm. A plain one-letter change is common between unrelated names; it needs a very popular target.
 */
const WEAKER: ReadonlySet<NearMissFamily> = new Set(['scope', 'affix', 'edit-distance-2', 'edit-distance-3', 'plugin-shorthand', 'substitution']);
const VERY_POPULAR = 10_000_000;
/**
 * Two or three edits reach many unrelated names; they count only against targets squatters go after (the 2022
 * campaigns' `chokdazr`, `cmmande`, `webn5ack`). The part search finds them.
 */
const PARTS_TARGET_MIN = 1_000_000;
const SEARCHED_BY_PARTS: ReadonlySet<NearMissFamily> = new Set(['edit-distance-2', 'edit-distance-3']);
/** One edit from a two- or three-letter name is half of npm; only structural families apply to them. */
const EDIT_FAMILIES: ReadonlySet<NearMissFamily> = new Set(['transposition', 'keyboard-slip', 'substitution', 'insertion', 'repeated-character', 'deletion']);
const MIN_EDIT_LENGTH = 4;
/** Names of at most this many letters (scope and separators aside) are not judged against their own separators' variants. */
const MAX_SHORT_DELIMITER_LETTERS = 2;

/**
 * The most popular package that `name` imitates, when the imitation is likely deliberate: the target is far
 * more popular than the candidate, and the candidate is not an established package itself.
 */
export function findNearMiss(name: string, index: NameIndex): NearMiss | undefined {
  const downloads = index.downloads(name);
  if (downloads !== undefined && downloads >= ESTABLISHED_DOWNLOADS) return undefined;
  // The fast search first; the part search for two and three edits only when it found nothing.
  const facts = nameFacts(name);
  const match = firstImitated(name, facts, downloads, index.lookalikeRanks(name, facts), index);
  // A listed name (10,000+ downloads a month) several edits from a target is a low finding at most: not worth
  // the slower search.
  if (match || downloads !== undefined) return match;
  return firstImitated(name, facts, downloads, index.distantRanks(name, facts), index, withinEditsSearched(facts));
}

/** Whether two or three edits of a target count (and so whether the data build cuts it in parts). */
export function searchedByParts(targetDownloads: number): boolean {
  return targetDownloads >= PARTS_TARGET_MIN;
}

/** Most popular first (lowest rank): the first target that relates is the answer. */
function firstImitated(
  name: string,
  facts: NameFacts,
  downloads: number | undefined,
  ranks: readonly number[],
  index: NameIndex,
  /** Given for the part search: whether a target is near enough to judge. */
  near?: (target: NameFacts) => boolean,
): NearMiss | undefined {
  for (const rank of ranks) {
    const targetDownloads = index.targetDownloads(rank);
    if (targetDownloads < POPULARITY_RATIO * (downloads ?? 0)) break;
    const targetFacts = index.targetFacts(rank);
    // The part search returns names that merely share a few letters: the distance alone rules them out.
    if (near && !near(targetFacts)) continue;
    const target = index.targetName(rank);
    const family = relate(name, target, facts, targetFacts);
    if (family === undefined || (EDIT_FAMILIES.has(family) && bareLength(name) < MIN_EDIT_LENGTH)) continue;
    // `b` beside `b_`, `q` beside `q-`: one or two letters and some punctuation is no imitation anyone would notice.
    if (family === 'delimiter' && facts.bareUndelimited.length <= MAX_SHORT_DELIMITER_LETTERS) continue;
    // Anything nearer that the part search turns up is another relation, judged by the fast search:
    // `generator` is @babel/generator's bare name, not a slip of `degenerator`.
    if (near && !SEARCHED_BY_PARTS.has(family)) return undefined;
    if (SEARCHED_BY_PARTS.has(family) && !searchedByParts(targetDownloads)) continue;
    // Two edits in a six-letter name are worth a look, no more: `bubird` is a squat, `medici` is not.
    const short = family === 'edit-distance-2' && Math.min(facts.bareUndelimited.length, targetFacts.bareUndelimited.length) < SHORT_DISTANCE_2_LENGTH;
    const moved = (family === 'delimiter' || family === 'scope') && isScopeMove(name, target);
    const severity =
      short || isSameScope(name, target)
        ? 'low'
        : moved
          ? scopeMoveSeverity(name, severityOf(family, downloads, targetDownloads))
          : severityOf(family, downloads, targetDownloads);
    return { name, target, family, downloads, targetDownloads, severity, scopeMove: moved };
  }
  return undefined;
}

const fromCandidate = new DistanceFrom('');

/** Whether a target is within the edits searched for it; bit-parallel from the candidate's side when it fits a word. */
function withinEditsSearched(mine: NameFacts): (theirs: NameFacts) => boolean {
  const bare = mine.bareUndelimited;
  const measure = bare.length <= DistanceFrom.MAX_LENGTH ? fromCandidate.from(bare) : undefined;
  return (theirs) => {
    const edits = editsSearched(theirs.bareUndelimited.length);
    return (measure ? measure.distance(theirs.bareUndelimited, edits) : editDistance(bare, theirs.bareUndelimited, edits)) <= edits;
  };
}

/** High for a strong imitation by a name nobody uses; a step lower for each reason to doubt it. */
function severityOf(family: NearMissFamily, downloads: number | undefined, targetDownloads: number): NearMiss['severity'] {
  // Publishing under one's own scope is how forks are named (`@acme/lodash`); the scope shows whose it is.
  if (family === 'scope') return 'low';
  const unknown = downloads === undefined;
  if (!WEAKER.has(family)) return unknown ? 'high' : 'medium';
  return unknown && (family !== 'substitution' || targetDownloads >= VERY_POPULAR) ? 'medium' : 'low';
}

/**
 * A project moving its packages into its own scope (`turbo-linux-64` to `@turbo/linux-64`, `faker` to
 * `@faker-js/faker`) leaves both names in use; its scope is named after its first word. Only the letters of the
 * two names are compared, so a misspelt move (`rollup-pugin-babek`) is not one.
 */
export function isScopeMove(name: string, target: string): boolean {
  const [scoped, plain] = name.startsWith('@') ? [name, target] : [target, name];
  if (!scoped.startsWith('@') || plain.startsWith('@')) return false;
  const scope = scoped.slice(1, scoped.indexOf('/')).toLowerCase();
  const bare = scoped.slice(scoped.indexOf('/') + 1).toLowerCase();
  const lower = plain.toLowerCase();
  // `@faker-js/faker` beside `faker`; `@redux-devtools/chart-monitor` beside `redux-devtools-chart-monitor`.
  return [scope, scope.replace(/[-.]?js$/, '')].some((stem) =>
    bare === lower
      ? lower === stem
      : lower.startsWith(stem) && /^[-_.]/.test(lower.slice(stem.length)) && undelimited(lower.slice(stem.length)) === undelimited(bare),
  );
}

/**
 * A scoped name is held by whoever owns the scope: beside the unscoped name of the same project it is a look,
 * not an alarm. An unscoped one anyone could have registered, so it drops only one step.
 */
function scopeMoveSeverity(name: string, severity: NearMiss['severity']): NearMiss['severity'] {
  if (name.startsWith('@')) return 'low';
  return severity === 'high' ? 'medium' : 'low';
}

/**
 * `@aws-sdk/client-connectcampaignsv2` beside `@aws-sdk/client-connectcampaigns`: only the scope's owners can
 * publish under it, so a name in the target's own scope is that owner's sibling package, never a stranger's
 * squat (a stolen owner account is another threat, and version-drift's). Reported low, not hidden.
 */
function isSameScope(name: string, target: string): boolean {
  return name.startsWith('@') && target.startsWith('@') && name.slice(0, name.indexOf('/') + 1) === target.slice(0, target.indexOf('/') + 1);
}

const bareLength = (name: string): number => (name.startsWith('@') ? name.length - name.indexOf('/') - 1 : name.length);

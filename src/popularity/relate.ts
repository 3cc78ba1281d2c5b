import type { NearMissFamily } from '../findings/model.js';
import { VERSION_SUFFIX, nameFacts, skeleton, type NameFacts } from './forms.js';
import { DISTANCE_2_MIN_LENGTH, DISTANCE_3_MIN_LENGTH } from './parts.js';
import { editDistance } from '../text/distance.js';

const KEYBOARD_ROWS = ['1234567890-', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const KEY_POSITION = new Map<string, [number, number]>();
KEYBOARD_ROWS.forEach((row, y) => [...row].forEach((char, x) => KEY_POSITION.set(char, [x + y * 0.5, y])));

/** Names of this many letters (bare, separators dropped) are long: short ones are not split into compounds. */
const LONG_NAME = 10;
/** Two edits leave a name shorter than this only four or five of its letters: they must be slips within its words. */
export const SHORT_DISTANCE_2_LENGTH = 7;

const bare = (name: string): string => (name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name);
const scopeOf = (name: string): string => (name.startsWith('@') ? name.slice(0, name.indexOf('/')) : '');

/**
 * The family by which `candidate` imitates `target`, or undefined when they are merely different names. The
 * search passes the facts of both names, which it has at hand.
 */
export function relate(
  candidate: string,
  target: string,
  mine: NameFacts = nameFacts(candidate),
  theirs: NameFacts = nameFacts(target),
): NearMissFamily | undefined {
  if (candidate === target) return undefined;
  const candidateScope = scopeOf(candidate);
  const targetScope = scopeOf(target);
  const misspeltScope = candidateScope !== '' && targetScope !== '' && editDistance(candidateScope, targetScope, 1) <= 1;
  if (bare(candidate) === bare(target) && candidateScope !== targetScope && !misspeltScope) {
    // `@types/x` beside `x` is DefinitelyTyped's own convention; a misspelt scope is not.
    const typesConvention = (candidateScope === '@types' && !targetScope) || (targetScope === '@types' && !candidateScope);
    return typesConvention ? undefined : 'scope';
  }
  if (mine.undelimited === theirs.undelimited) return 'delimiter';
  if (mine.words !== undefined && mine.words === theirs.words) return 'word-order';
  if (/\d$/.test(candidate) && candidate.replace(VERSION_SUFFIX, '') === target) return 'version-suffix';
  if (editDistance(candidate, target, 1) === 1) return singleEdit(candidate, target);
  if (mine.skeleton === theirs.skeleton) {
    return candidate.replace(/(.)\1+/g, '$1') === target.replace(/(.)\1+/g, '$1') ? 'repeated-character' : 'confusable';
  }
  if (mine.stripped.includes(target)) return 'affix';
  if (theirs.pluginRemainder !== undefined && mine.pluginForms.includes(theirs.pluginRemainder)) return 'plugin-shorthand';
  // The rest compares names within one scope, delimiters dropped: 'changcase' is 'change-case' less a hyphen
  // and a letter. Across scopes, letters of the scope would count as letters of the name.
  if (candidateScope !== targetScope) return undefined;
  // `dw-payload` is `payload` with a word added, not mistyped: a word of its own is a combo, judged above by affix.
  if (addsWords(candidate, target)) return undefined;
  const mineBare = mine.bareUndelimited;
  const theirsBare = theirs.bareUndelimited;
  const bareDistance = editDistance(mineBare, theirsBare, 3);
  if (bareDistance === 1) return singleEdit(mineBare, theirsBare);
  // Two swaps at most ('rceat', 'degbu'); `tryer` and `retry` share letters, not a slip of the fingers.
  if (bareDistance === 2 && mine.anagram !== undefined && mine.anagram === theirs.anagram) return 'scrambled';
  const shortest = Math.min(mineBare.length, theirsBare.length);
  if (bareDistance === 2 && shortest >= DISTANCE_2_MIN_LENGTH && !splitsShortName(candidate, target, theirs)) {
    // `bubird` is `bluebird` mistyped; `dw-util` is not `rc-util`, a word of its own is.
    if (shortest >= SHORT_DISTANCE_2_LENGTH || misspellsEachWord(candidate, target)) return 'edit-distance-2';
  }
  if (bareDistance === 3 && theirsBare.length >= DISTANCE_3_MIN_LENGTH && misspellsEachWord(candidate, target)) return 'edit-distance-3';
  return undefined;
}

const wordsOf = (name: string): string[] => bare(name).split(/[-_.]/).filter(Boolean);

/** Every word of the target appears, in order and whole, among more words of the candidate. */
function addsWords(candidate: string, target: string): boolean {
  const mine = wordsOf(candidate);
  const theirs = wordsOf(target);
  if (mine.length <= theirs.length) return false;
  let next = 0;
  for (const word of mine) if (word === theirs[next]) next++;
  return next === theirs.length;
}

/**
 * Several edits are a squat when they are spread as slips over the name's words (`rebact-eror-oveflay`), not a
 * word of its own (`react-native-dash` is not `react-native-maps`): the words pair up one to one, and none has
 * more than two edits or more than a third of its letters changed. Asked of three edits, and of two in a short name.
 */
function misspellsEachWord(candidate: string, target: string): boolean {
  const mine = wordsOf(candidate);
  const theirs = wordsOf(target);
  if (mine.length !== theirs.length) return false;
  return mine.every((word, index) => {
    const meant = theirs[index]!;
    const edits = editDistance(word, meant, 2);
    return edits <= 2 && 3 * edits <= Math.max(word.length, meant.length);
  });
}

/**
 * Two letters changed and a separator added to a short name make another compound (`dw-build`, not `esbuild`);
 * the squats seen keep the target's shape (`chokdazr`, `ss-loaoer`).
 */
function splitsShortName(candidate: string, target: string, theirs: NameFacts): boolean {
  return theirs.bareUndelimited.length < LONG_NAME && wordsOf(candidate).length > wordsOf(target).length;
}

function singleEdit(candidate: string, target: string): NearMissFamily {
  if (candidate.length === target.length) {
    const at = [...candidate].findIndex((char, index) => char !== target[index]);
    if (candidate[at + 1] === target[at] && candidate[at] === target[at + 1]) return 'transposition';
    const typed = candidate[at]!;
    const meant = target[at]!;
    if (skeleton(typed) === skeleton(meant)) return 'confusable';
    return adjacentKeys(typed, meant) ? 'keyboard-slip' : 'substitution';
  }
  if (candidate.length > target.length) {
    const at = [...target].findIndex((char, index) => char !== candidate[index]);
    const index = at === -1 ? target.length : at;
    return candidate[index] === candidate[index - 1] || candidate[index] === candidate[index + 1] ? 'repeated-character' : 'insertion';
  }
  return 'deletion';
}

function adjacentKeys(a: string, b: string): boolean {
  const first = KEY_POSITION.get(a);
  const second = KEY_POSITION.get(b);
  if (!first || !second) return false;
  return Math.abs(first[1] - second[1]) <= 1 && Math.abs(first[0] - second[0]) <= 1;
}

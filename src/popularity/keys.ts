import { FNV_OFFSET, continueHash, hash32 } from './hash.js';
import {
  anagramHash,
  anagramKey,
  deletions,
  nameFacts,
  pluginRemainder,
  pluginShortFormStarts,
  pluginShortForms,
  skeleton,
  skeletonHash,
  sortedWords,
  strippedCuts,
  strippedForms,
  undelimited,
  type NameFacts,
} from './forms.js';

/**
 * The look-up keys of the fast near-miss search. A popular name is indexed under itself, itself without
 * separators and each one-character deletion of that, its skeleton, sorted words and sorted letters; a
 * candidate is looked up under the same keys plus its affix- and version-stripped forms and its plugin short
 * forms. Two names that share a key are *possibly* related; `relate` then decides how. (The search for two
 * and three edits has keys of its own: parts.ts.)
 */

/** Deleting one letter of a very long name rarely makes a squat; skipping them keeps the table small. */
const MAX_DELETION_LENGTH = 32;
const SKELETON_TAG = '~';
const WORDS_TAG = '=';
const ANAGRAM_TAG = '#';
const PLUGIN_TAG = '+';

/** Keys a popular name is indexed under in the near-miss table. */
export function targetKeys(name: string): Set<string> {
  const keys = new Set(baseKeys(name));
  const remainder = pluginRemainder(name);
  if (remainder) keys.add(PLUGIN_TAG + remainder);
  return keys;
}

/** Keys a candidate is looked up under: what `candidateHashes` hashes. */
export function candidateKeys(name: string): string[] {
  const keys = baseKeys(name);
  for (const form of strippedForms(name)) keys.push(form);
  for (const form of pluginShortForms(name)) keys.push(PLUGIN_TAG + form);
  return keys;
}

function baseKeys(name: string): string[] {
  const plain = undelimited(name);
  const keys = [name, plain, SKELETON_TAG + skeleton(name)];
  // Deletions of the undelimited name: 'changcase' is one deletion from 'changecase', which is 'change-case'.
  if (plain.length <= MAX_DELETION_LENGTH) keys.push(...deletions(plain));
  const words = sortedWords(name);
  if (words) keys.push(WORDS_TAG + words);
  const anagram = anagramKey(name);
  if (anagram) keys.push(ANAGRAM_TAG + anagram);
  return keys;
}

const [SKELETON_SEED, WORDS_SEED, ANAGRAM_SEED, PLUGIN_SEED] = [SKELETON_TAG, WORDS_TAG, ANAGRAM_TAG, PLUGIN_TAG].map(hash32) as [
  number,
  number,
  number,
  number,
];
let prefixBuffer = new Uint32Array(64);

/**
 * The hashes of `candidateKeys(name)`, computed without building the strings: FNV-1a is sequential, so each
 * deletion's hash continues the shared prefix's hash over the rest, a stripped form hashes the name's two
 * pieces in turn, and the skeleton and anagram are hashed from their character codes. The look-up hot path.
 * May repeat a hash, which only finds the same target twice.
 */
export function candidateHashes(name: string, facts: NameFacts = nameFacts(name)): number[] {
  const plain = facts.undelimited;
  const hashes: number[] = [hash32(name)];
  if (plain !== name) hashes.push(hash32(plain));
  if (plain.length <= MAX_DELETION_LENGTH) {
    if (prefixBuffer.length <= plain.length) prefixBuffer = new Uint32Array(plain.length * 2 + 1);
    const prefix = prefixBuffer;
    prefix[0] = FNV_OFFSET;
    for (let index = 0; index < plain.length; index++) prefix[index + 1] = continueHash(prefix[index]!, plain, index, index + 1);
    for (let skip = 0; skip < plain.length; skip++) hashes.push(continueHash(prefix[skip]!, plain, skip + 1, plain.length));
  }
  hashes.push(skeletonHash(SKELETON_SEED, name));
  const words = facts.words;
  if (words) hashes.push(continueHash(WORDS_SEED, words, 0, words.length));
  const anagram = anagramHash(ANAGRAM_SEED, name);
  if (anagram !== undefined) hashes.push(anagram);
  const cuts = strippedCuts(name);
  for (let cut = 0; cut < cuts.length; cut += 2) hashes.push(continueHash(continueHash(FNV_OFFSET, name, 0, cuts[cut]!), name, cuts[cut + 1]!, name.length));
  for (const start of pluginShortFormStarts(name)) hashes.push(continueHash(PLUGIN_SEED, name, start, name.length));
  return hashes;
}

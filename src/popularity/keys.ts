/**
 * The lookup keys of the near-miss search. A popular name is indexed under itself, itself without separators and
 * each one-character deletion of that, its skeleton, sorted words and sorted letters; a candidate is looked up
 * under the same keys plus its affix- and version-stripped forms. The two-edit search has keys of its own, the
 * parts of a name (see DISTANCE_2_MIN_LENGTH). Two names that share a key are *possibly* related; `relate` then
 * decides how. Shared by the data build (scripts/build-data.mjs) and the runtime, so both hash alike.
 */

const FNV_OFFSET = 0x811c9dc5;

/** 32-bit FNV-1a over UTF-16 code units. */
export function hash32(text: string): number {
  return continueHash(FNV_OFFSET, text, 0, text.length);
}

/**
 * FNV-1a is sequential: the hash of a prefix followed by text[from, to) continues the prefix's hash. The hot
 * paths hash slices and deletions this way without building the strings.
 */
function continueHash(prefixHash: number, text: string, from: number, to: number): number {
  let hash = prefixHash;
  for (let index = from; index < to; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

/** A second, independent hash (different offset basis and a final mix), for double hashing in the Bloom filter. */
export function hash32b(text: string): number {
  let hash = 0x9747b28c;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x5bd1e995);
    hash ^= hash >>> 15;
  }
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

const DELIMITERS = /[-_.@/]/g;

/** The name without delimiters ('cross-env' -> 'crossenv', '@babel/cli' -> 'babelcli'). */
export const undelimited = (name: string): string => name.replace(DELIMITERS, '');

/**
 * Characters people and fonts confuse, mapped to one representative. Unicode look-alikes cannot be in a
 * valid npm name, but they reach `vet` from pasted or generated text.
 */
const CONFUSABLE: Readonly<Record<string, string>> = {
  '0': 'o', '1': 'l', i: 'l', '|': 'l', '5': 's', '3': 'e', '4': 'a', '7': 't', '8': 'b', '9': 'g',
  // Cyrillic and Greek letters that render like Latin ones.
  'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'l', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd',
  'ο': 'o', 'α': 'a', 'ν': 'v', 'τ': 't', 'ι': 'l', 'κ': 'k', 'ρ': 'p',
};

/** The name with delimiters dropped, confusable characters unified (rn -> m, vv -> w) and repeated letters collapsed. */
export function skeleton(name: string): string {
  let text = name.toLowerCase();
  // Names are ASCII almost always; only text with other characters needs Unicode folding.
  if (!/^[\x00-\x7f]*$/.test(text)) text = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  text = text.replace(DELIMITERS, '').replace(/rn/g, 'm').replace(/vv/g, 'w');
  let folded = '';
  for (const char of text) {
    const mapped = CONFUSABLE[char] ?? char;
    if (mapped !== folded[folded.length - 1]) folded += mapped;
  }
  return folded;
}

/** The words of a name in sorted order ('env-cross' -> 'cross env'), when it has more than one. */
export function sortedWords(name: string): string | undefined {
  const words = name.toLowerCase().split(DELIMITERS).filter(Boolean);
  return words.length > 1 ? [...words].sort().join(' ') : undefined;
}

export function deletions(name: string): string[] {
  const variants: string[] = [];
  for (let index = 0; index < name.length; index++) variants.push(name.slice(0, index) + name.slice(index + 1));
  return variants;
}

/**
 * Plugin conventions: `eslint-plugin-unused-imports` is what people (and LLMs) shorten to `unused-imports`
 * or `eslint-unused-imports`, names an attacker can register.
 */
export const PLUGIN_PREFIXES = [
  'eslint-plugin-', 'eslint-config-', 'babel-plugin-', 'babel-preset-', '@babel/plugin-', '@babel/preset-',
  'rollup-plugin-', 'vite-plugin-', 'prettier-plugin-',
];
const TOOL_PREFIXES = ['eslint-', 'babel-', 'rollup-', 'vite-', 'prettier-'];

/** The part of a plugin's name after its convention prefix. */
export function pluginRemainder(name: string): string | undefined {
  const prefix = PLUGIN_PREFIXES.find((candidate) => name.startsWith(candidate) && name.length > candidate.length + 2);
  return prefix ? name.slice(prefix.length) : undefined;
}

/** Keys a popular name is indexed under in the near-miss table (its parts go to the part table). */
export function targetKeys(name: string): Set<string> {
  const keys = baseKeys(name);
  const remainder = pluginRemainder(name);
  if (remainder) keys.add(`+${remainder}`);
  return keys;
}

/** Scrambled letters ('rceat', 'degbu'): the same letters in another order, delimiters aside. */
export function anagramKey(name: string): string | undefined {
  const letters = undelimited(name.toLowerCase());
  if (letters.length < ANAGRAM_MIN_LENGTH) return undefined;
  const codes = new Uint16Array(letters.length);
  for (let index = 0; index < letters.length; index++) codes[index] = letters.charCodeAt(index);
  return String.fromCharCode(...codes.sort());
}
export const ANAGRAM_MIN_LENGTH = 5;
/** Deleting one letter of a very long name rarely makes a squat; skipping them keeps the table small. */
const MAX_DELETION_LENGTH = 32;

/** The name without its scope, and without delimiters: what two-letter edits are measured on. */
export function bareUndelimited(name: string): string {
  return undelimited(name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name);
}

/**
 * The distance-2 search (pigeonhole): a name is cut in parts, three for seven to eleven letters and four from
 * twelve; two edits leave at least one, or two, of them intact, shifted by at most two places. A target is
 * indexed under its parts, tagged with its length and the part's number; a candidate probes each part at each
 * place the edits can have moved it to, and a target qualifies when enough distinct parts match. Four parts for
 * long names, because one shared part such as `react` or `components` says nothing.
 */
export const DISTANCE_2_MIN_LENGTH = 7;
const DISTANCE_2_MAX_LENGTH = 32;
const FOUR_PARTS_MIN_LENGTH = 12;

function cutInParts(length: number): [start: number, size: number][] {
  const count = length >= FOUR_PARTS_MIN_LENGTH ? 4 : 3;
  const parts: [number, number][] = [];
  for (let part = 0, start = 0; part < count; part++) {
    const size = Math.floor((length - start) / (count - part));
    parts.push([start, size]);
    start += size;
  }
  return parts;
}

/** A part key: the part's text tagged with the length of the name it was cut from and its number. */
const partKey = (length: number, part: number, text: string): string => `|${length}|${part}|${text}`;

/** The parts of every searched length, and the hash of each part key's tag (`|length|part|`): the probe loop is hot. */
const PARTS = Array.from({ length: DISTANCE_2_MAX_LENGTH + 1 }, (_, length) => cutInParts(length));
const TAG_HASHES = PARTS.map((parts, length) => parts.map((_, part) => hash32(partKey(length, part, ''))));
const partsOf = (length: number): [number, number][] => PARTS[length]!;

/** How many distinct parts of a name this long must match: those two edits cannot break. */
export const partsNeeded = (length: number): number => partsOf(length).length - 2;

/** The part keys a target is indexed under for the distance-2 search, when it is long enough. */
export function partKeys(name: string): string[] {
  const bare = bareUndelimited(name);
  if (bare.length < DISTANCE_2_MIN_LENGTH || bare.length > DISTANCE_2_MAX_LENGTH) return [];
  return partsOf(bare.length).map(([start, size], part) => partKey(bare.length, part, bare.slice(start, start + size)));
}

/**
 * Every probe of a candidate: for each target length within two of its own, each part at each offset the edits
 * can have moved it by. A part moves by the net insertions before it: the first cannot move, the last ends where
 * the name ends, and a middle one by `shift` with |shift| + |lengthDifference - shift| <= 2.
 */
function forEachProbe(bare: string, visit: (length: number, part: number, from: number, to: number) => void): void {
  const from = Math.max(DISTANCE_2_MIN_LENGTH, bare.length - 2);
  const to = Math.min(DISTANCE_2_MAX_LENGTH, bare.length + 2);
  for (let length = from; length <= to; length++) {
    const difference = bare.length - length;
    const parts = partsOf(length);
    const last = parts.length - 1;
    for (let part = 0; part <= last; part++) {
      const [start, size] = parts[part]!;
      const lowest = part === 0 ? 0 : part === last ? difference : -2;
      const highest = part === 0 ? 0 : part === last ? difference : 2;
      for (let shift = lowest; shift <= highest; shift++) {
        const at = start + shift;
        if (Math.abs(shift) + Math.abs(difference - shift) <= 2 && at >= 0 && at + size <= bare.length) visit(length, part, at, at + size);
      }
    }
  }
}

/** The part keys a candidate probes, as strings (what `forEachProbeHash` hashes). */
export function probeKeys(name: string): string[] {
  const keys: string[] = [];
  const bare = bareUndelimited(name);
  forEachProbe(bare, (length, part, from, to) => keys.push(partKey(length, part, bare.slice(from, to))));
  return keys;
}

/** The probes of `name` as hashes, with the part number and how many parts a target of that length needs. */
export function forEachProbeHash(name: string, visit: (hash: number, part: number, needed: number) => void): void {
  const bare = factsOf(name).bareUndelimited;
  forEachProbe(bare, (length, part, from, to) => visit(continueHash(TAG_HASHES[length]![part]!, bare, from, to), part, partsNeeded(length)));
}

/** The letters and digits of a name as a bit set: two edits change at most four of its bits. */
export function letterSet(text: string): number {
  let bits = 0;
  for (let index = 0; index < text.length; index++) bits |= 1 << (text.charCodeAt(index) % 32);
  return bits >>> 0;
}

export function bitCount(bits: number): number {
  let count = 0;
  for (let rest = bits; rest !== 0; rest &= rest - 1) count++;
  return count;
}

function baseKeys(name: string): Set<string> {
  const plain = undelimited(name);
  const keys = new Set<string>([name, plain, `~${skeleton(name)}`]);
  // Deletions of the undelimited name: 'changcase' is one deletion from 'changecase', which is 'change-case'.
  if (plain.length <= MAX_DELETION_LENGTH) for (const variant of deletions(plain)) keys.add(variant);
  const words = sortedWords(name);
  if (words) keys.add(`=${words}`);
  const anagram = anagramKey(name);
  if (anagram) keys.add(`#${anagram}`);
  return keys;
}

/** The forms a shortened plugin name could take: itself, and without a tool prefix ('eslint-comments' -> 'comments'). */
export function pluginShortForms(name: string): string[] {
  const forms = [name];
  for (const prefix of TOOL_PREFIXES) if (name.startsWith(prefix) && name.length > prefix.length + 2) forms.push(name.slice(prefix.length));
  return forms;
}

const PREFIXES = ['node-', 'node', 'js-', 'nodejs-', 'npm-', 'the-', 'real-', 'official-', 'get-'];
const SUFFIXES = ['-js', '.js', 'js', '-node', 'node', '-cli', 'cli', '-utils', '-util', '-lib', '-api', '-sdk', '-npm', '-pkg', '-package', '-plus', '-pro', '-dev', '-core', '-official', 's', 'es'];
/** A version glued to a name: 'lodash4', 'lodash-v4', 'colors-3.0', 'colors2.0'. */
export const VERSION_SUFFIX = /[-_.]?v?\d+(?:\.\d+)*$/;

/** A candidate with a known affix or a version suffix removed ('lodash-js', 'node-lodash', 'lodash4'): exact look-ups. */
export function strippedForms(name: string): string[] {
  const forms = new Set<string>();
  const scopeEnd = name.startsWith('@') ? name.indexOf('/') + 1 : 0;
  const bare = name.slice(scopeEnd);
  if (scopeEnd > 0) forms.add(bare);
  for (const prefix of PREFIXES) if (bare.startsWith(prefix) && bare.length > prefix.length + 1) forms.add(name.slice(0, scopeEnd) + bare.slice(prefix.length));
  for (const suffix of SUFFIXES) if (bare.endsWith(suffix) && bare.length > suffix.length + 1) forms.add(name.slice(0, -suffix.length));
  const versionless = name.replace(VERSION_SUFFIX, '');
  if (versionless !== name && versionless.length > scopeEnd + 1) forms.add(versionless);
  forms.delete(name);
  return [...forms];
}

/** Everything the search derives from one name, computed once: targets recur across look-ups. */
export interface NameFacts {
  /** The name without delimiters ('cross-env' -> 'crossenv'). */
  readonly undelimited: string;
  /** The same without the scope. */
  readonly bareUndelimited: string;
  /** letterSet(bareUndelimited). */
  readonly letters: number;
  readonly skeleton: string;
  readonly words: string | undefined;
  readonly anagram: string | undefined;
  readonly stripped: readonly string[];
  readonly pluginForms: readonly string[];
  readonly pluginRemainder: string | undefined;
}

const FACTS = new Map<string, NameFacts>();
const FACTS_LIMIT = 50_000;

export function factsOf(name: string): NameFacts {
  let facts = FACTS.get(name);
  if (!facts) {
    if (FACTS.size >= FACTS_LIMIT) FACTS.clear();
    facts = {
      undelimited: undelimited(name),
      bareUndelimited: bareUndelimited(name),
      letters: letterSet(bareUndelimited(name)),
      skeleton: skeleton(name),
      words: sortedWords(name),
      anagram: anagramKey(name),
      stripped: strippedForms(name),
      pluginForms: pluginShortForms(name),
      pluginRemainder: pluginRemainder(name),
    };
    FACTS.set(name, facts);
  }
  return facts;
}

/** Keys a candidate is looked up under. */
export function candidateKeys(name: string): string[] {
  const keys = [...baseKeys(name)];
  for (const form of strippedForms(name)) keys.push(form);
  for (const form of pluginShortForms(name)) keys.push(`+${form}`);
  return keys;
}

/**
 * The hashes of `candidateKeys(name)`, computed without building the deletion strings: FNV-1a is sequential,
 * so each deletion's hash continues the shared prefix's hash over the rest. The look-up hot path.
 */
let prefixBuffer = new Uint32Array(64);

export function candidateHashes(name: string): number[] {
  const facts = factsOf(name);
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
  hashes.push(hash32(`~${facts.skeleton}`));
  if (facts.words) hashes.push(hash32(`=${facts.words}`));
  if (facts.anagram) hashes.push(hash32(`#${facts.anagram}`));
  for (const form of facts.stripped) hashes.push(hash32(form));
  for (const form of facts.pluginForms) hashes.push(hash32(`+${form}`));
  return hashes;
}

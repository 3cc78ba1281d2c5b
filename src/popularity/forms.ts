import { continueHash, continueHashOfCodes } from './hash.js';

/**
 * The forms of a package name that the near-miss search compares: without delimiters, its skeleton, its words
 * and its letters sorted, without a known affix or version, a plugin's short forms. The data build and the
 * runtime derive them alike. The look-up path needs only hashes of most forms (see keys.ts), so the hot ones
 * come in two flavours: the string, and its hash computed without building it.
 */

const DELIMITERS = /[-_.@/]/g;

/** The name without delimiters ('cross-env' -> 'crossenv', '@babel/cli' -> 'babelcli'). */
export const undelimited = (name: string): string => name.replace(DELIMITERS, '');

/** The name without its scope, and without delimiters: what two and three edits are measured on. */
export function bareUndelimited(name: string): string {
  return undelimited(name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name);
}

/**
 * Characters people and fonts confuse, mapped to one representative. Unicode look-alikes cannot be in a
 * valid npm name, but they reach `vet` from pasted or generated text.
 */
const CONFUSABLE: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'l',
  i: 'l',
  '|': 'l',
  '5': 's',
  '3': 'e',
  '4': 'a',
  '7': 't',
  '8': 'b',
  '9': 'g',
  // Cyrillic and Greek letters that render like Latin ones.
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'l',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ο: 'o',
  α: 'a',
  ν: 'v',
  τ: 't',
  ι: 'l',
  κ: 'k',
  ρ: 'p',
};

const ASCII = /^\p{ASCII}*$/u;
/** CONFUSABLE for ASCII by character code, lower-casing too; 0 for a delimiter. */
const ASCII_FOLD = Uint16Array.from({ length: 128 }, (_, code) => {
  const char = String.fromCharCode(code).toLowerCase();
  return '-_.@/'.includes(char) ? 0 : (CONFUSABLE[char] ?? char).charCodeAt(0);
});
/** NUL folds to 0 as well, but it is no delimiter. */
const isDelimiter = (code: number): boolean => code !== 0 && ASCII_FOLD[code] === 0;
const lowerCase = (code: number): number => (code >= 65 && code <= 90 ? code + 32 : code);
const [R, N, M, V, W] = [...'rnmvw'].map((char) => char.charCodeAt(0)) as [number, number, number, number, number];

/** Scratch for the character codes of the skeleton and the anagram: the look-up path builds no strings for them. */
let codes = new Uint16Array(64);
const codesFor = (length: number): Uint16Array => (codes.length < length ? (codes = new Uint16Array(length * 2)) : codes);
const codesText = (count: number): string => String.fromCharCode.apply(null, codes.subarray(0, count) as unknown as number[]);

/** The name with delimiters dropped, confusable characters unified (rn -> m, vv -> w) and repeated letters collapsed. */
export function skeleton(name: string): string {
  // Names are ASCII almost always; only text with other characters needs Unicode folding.
  return ASCII.test(name) ? codesText(foldAsciiSkeleton(name)) : unicodeSkeleton(name);
}

/** continueHash(seed, skeleton(name)). */
export function skeletonHash(seed: number, name: string): number {
  if (!ASCII.test(name)) {
    const folded = unicodeSkeleton(name);
    return continueHash(seed, folded, 0, folded.length);
  }
  const count = foldAsciiSkeleton(name); // first: it may replace the buffer
  return continueHashOfCodes(seed, codes, count);
}

function unicodeSkeleton(name: string): string {
  const text = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(DELIMITERS, '')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w');
  let folded = '';
  for (const char of text) {
    const mapped = CONFUSABLE[char] ?? char;
    if (mapped !== folded[folded.length - 1]) folded += mapped;
  }
  return folded;
}

/** unicodeSkeleton's steps for an ASCII name, in two passes over its codes; leaves them in `codes`, returns their count. */
function foldAsciiSkeleton(name: string): number {
  const letters = codesFor(name.length);
  let count = 0;
  // rn and vv are read on the lower-cased, undelimited name, before confusables are unified.
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (!isDelimiter(code)) letters[count++] = lowerCase(code);
  }
  let folded = 0;
  let previous = -1;
  for (let index = 0; index < count; index++) {
    let code = letters[index]!;
    const next = letters[index + 1];
    if (index + 1 < count && ((code === R && next === N) || (code === V && next === V))) {
      code = code === R ? M : W;
      index++;
    }
    const mapped = ASCII_FOLD[code]!;
    if (mapped !== previous) letters[folded++] = previous = mapped;
  }
  return folded;
}

/** The words of a name in sorted order ('env-cross' -> 'cross env'), when it has more than one. */
export function sortedWords(name: string): string | undefined {
  let delimited = false;
  for (let index = 0; index < name.length && !delimited; index++) delimited = isDelimiter(name.charCodeAt(index));
  if (!delimited) return undefined;
  const lower = name.toLowerCase();
  const words: string[] = [];
  let start = 0;
  for (let index = 0; index <= lower.length; index++) {
    if (index < lower.length && !isDelimiter(lower.charCodeAt(index))) continue;
    if (index > start) words.push(lower.slice(start, index));
    start = index + 1;
  }
  return words.length > 1 ? words.sort().join(' ') : undefined;
}

/** Scrambled letters ('rceat', 'degbu'): the same letters in another order, delimiters aside. */
export function anagramKey(name: string): string | undefined {
  const count = sortLetterCodes(name);
  return count < ANAGRAM_MIN_LENGTH ? undefined : codesText(count);
}
export const ANAGRAM_MIN_LENGTH = 5;

/** continueHash(seed, anagramKey(name)), or undefined when the name has no anagram key. */
export function anagramHash(seed: number, name: string): number | undefined {
  const count = sortLetterCodes(name);
  return count < ANAGRAM_MIN_LENGTH ? undefined : continueHashOfCodes(seed, codes, count);
}

/** The lower-cased codes of the name less its delimiters, sorted into `codes`; returns their count. */
function sortLetterCodes(name: string): number {
  const lower = ASCII.test(name) ? name : name.toLowerCase();
  const letters = codesFor(lower.length);
  let count = 0;
  for (let index = 0; index < lower.length; index++) {
    const code = lower.charCodeAt(index);
    if (isDelimiter(code)) continue;
    // Insertion sort as the codes arrive: names are short.
    const value = lowerCase(code);
    let at = count++;
    for (; at > 0 && letters[at - 1]! > value; at--) letters[at] = letters[at - 1]!;
    letters[at] = value;
  }
  return count;
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
  'eslint-plugin-',
  'eslint-config-',
  'babel-plugin-',
  'babel-preset-',
  '@babel/plugin-',
  '@babel/preset-',
  'rollup-plugin-',
  'vite-plugin-',
  'prettier-plugin-',
];
const TOOL_PREFIXES = ['eslint-', 'babel-', 'rollup-', 'vite-', 'prettier-'];

/** The part of a plugin's name after its convention prefix. */
export function pluginRemainder(name: string): string | undefined {
  const prefix = PLUGIN_PREFIXES.find((candidate) => name.startsWith(candidate) && name.length > candidate.length + 2);
  return prefix ? name.slice(prefix.length) : undefined;
}

/** Where the forms a shortened plugin name could take start: itself, and after a tool prefix ('eslint-comments' -> 'comments'). */
export function pluginShortFormStarts(name: string): number[] {
  const starts = [0];
  for (const prefix of TOOL_PREFIXES) if (name.startsWith(prefix) && name.length > prefix.length + 2) starts.push(prefix.length);
  return starts;
}

export const pluginShortForms = (name: string): string[] => pluginShortFormStarts(name).map((start) => name.slice(start));

// Conventions of the ecosystem, and the generic words seen in real combo squats (`colors-helper`, `sync-colors`,
// `web-browserify`).
const PREFIXES = ['node-', 'node', 'js-', 'nodejs-', 'npm-', 'the-', 'real-', 'official-', 'get-', 'sync-', 'web-'];
const SUFFIXES = [
  '-js',
  '.js',
  'js',
  '-node',
  'node',
  '-cli',
  'cli',
  '-utils',
  '-util',
  '-lib',
  '-api',
  '-sdk',
  '-npm',
  '-pkg',
  '-package',
  '-plus',
  '-pro',
  '-dev',
  '-core',
  '-official',
  '-helper',
  '-help',
  '-update',
  's',
  'es',
];
/** The affixes by their outer character: a name is compared only with those it can carry. */
const groupBy = (affixes: string[], at: (affix: string) => number): Map<number, string[]> => {
  const groups = new Map<number, string[]>();
  for (const affix of affixes) groups.set(at(affix), [...(groups.get(at(affix)) ?? []), affix]);
  return groups;
};
const PREFIXES_BY_FIRST = groupBy(PREFIXES, (prefix) => prefix.charCodeAt(0));
const SUFFIXES_BY_LAST = groupBy(SUFFIXES, (suffix) => suffix.charCodeAt(suffix.length - 1));
/** A version glued to a name: 'lodash4', 'lodash-v4', 'colors-3.0', 'colors2.0'. */
export const VERSION_SUFFIX = /[-_.]?v?\d+(?:\.\d+)*$/;

/**
 * The cuts that strip a known affix, the scope or a version suffix from a name ('lodash-js', 'node-lodash',
 * '@acme/lodash', 'lodash4'), as pairs [headEnd, tailStart]: the form is name[0, headEnd) + name[tailStart, end).
 * Some cuts may give the name itself or repeat another's form.
 */
export function strippedCuts(name: string): number[] {
  const cuts: number[] = [];
  const scopeEnd = name.startsWith('@') ? name.indexOf('/') + 1 : 0;
  const bareLength = name.length - scopeEnd;
  if (scopeEnd > 0) cuts.push(0, scopeEnd);
  for (const prefix of PREFIXES_BY_FIRST.get(name.charCodeAt(scopeEnd)) ?? []) {
    if (name.startsWith(prefix, scopeEnd) && bareLength > prefix.length + 1) cuts.push(scopeEnd, scopeEnd + prefix.length);
  }
  for (const suffix of SUFFIXES_BY_LAST.get(name.charCodeAt(name.length - 1)) ?? []) {
    if (name.endsWith(suffix) && bareLength > suffix.length + 1) cuts.push(name.length - suffix.length, name.length);
  }
  const version = /\d$/.test(name) ? VERSION_SUFFIX.exec(name) : null;
  if (version && version.index > scopeEnd + 1) cuts.push(version.index, name.length);
  return cuts;
}

/** A candidate with a known affix, its scope or a version suffix removed: exact look-ups. */
export function strippedForms(name: string): string[] {
  const forms = new Set<string>();
  const cuts = strippedCuts(name);
  for (let cut = 0; cut < cuts.length; cut += 2) forms.add(name.slice(0, cuts[cut]) + name.slice(cuts[cut + 1]));
  forms.delete(name);
  return [...forms];
}

/** The letters and digits of a name as a bit set: each edit changes at most two of its bits. */
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

/**
 * Everything the search derives from one name. The cheap forms are derived at once, the others when first
 * asked: a look-up hashes most of them straight from the name (keys.ts), and only `relate` needs the strings.
 */
export class NameFacts {
  /** The name without delimiters ('cross-env' -> 'crossenv'). */
  readonly undelimited: string;
  /** The same without the scope. */
  readonly bareUndelimited: string;
  /** letterSet(bareUndelimited). */
  readonly letters: number;
  #skeleton: string | undefined;
  #words: string | null | undefined;
  #anagram: string | null | undefined;
  #stripped: readonly string[] | undefined;
  #pluginForms: readonly string[] | undefined;
  #pluginRemainder: string | null | undefined;

  constructor(readonly name: string) {
    this.undelimited = undelimited(name);
    this.bareUndelimited = name.startsWith('@') ? bareUndelimited(name) : this.undelimited;
    this.letters = letterSet(this.bareUndelimited);
  }

  get skeleton(): string {
    return (this.#skeleton ??= skeleton(this.name));
  }

  get words(): string | undefined {
    return (this.#words ??= sortedWords(this.name) ?? null) ?? undefined;
  }

  get anagram(): string | undefined {
    return (this.#anagram ??= anagramKey(this.name) ?? null) ?? undefined;
  }

  get stripped(): readonly string[] {
    return (this.#stripped ??= strippedForms(this.name));
  }

  get pluginForms(): readonly string[] {
    return (this.#pluginForms ??= pluginShortForms(this.name));
  }

  get pluginRemainder(): string | undefined {
    return (this.#pluginRemainder ??= pluginRemainder(this.name) ?? null) ?? undefined;
  }
}

export const nameFacts = (name: string): NameFacts => new NameFacts(name);

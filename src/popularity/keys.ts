/**
 * The lookup keys of the near-miss search. A popular name is indexed under itself, each of its one-character
 * deletions, its skeleton and its sorted words; a candidate is looked up under the same keys plus its
 * affix-stripped forms. Two names that share a key are *possibly* related; `classify` then decides how.
 * Shared by the data build (scripts/build-data.mjs) and the runtime, so both hash alike.
 */

/** 32-bit FNV-1a over UTF-16 code units. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
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
  let text = name.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(DELIMITERS, '');
  text = text.replace(/rn/g, 'm').replace(/vv/g, 'w');
  text = [...text].map((char) => CONFUSABLE[char] ?? char).join('');
  return text.replace(/(.)\1+/g, '$1');
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

/** Keys a popular name is indexed under. */
export function targetKeys(name: string): Set<string> {
  const keys = baseKeys(name);
  const remainder = pluginRemainder(name);
  if (remainder) keys.add(`+${remainder}`);
  return keys;
}

function baseKeys(name: string): Set<string> {
  const keys = new Set<string>([name, ...deletions(name), `~${skeleton(name)}`]);
  const words = sortedWords(name);
  if (words) keys.add(`=${words}`);
  return keys;
}

/** The forms a shortened plugin name could take: itself, and without a tool prefix ('eslint-comments' -> 'comments'). */
export function pluginShortForms(name: string): string[] {
  const forms = [name];
  for (const prefix of TOOL_PREFIXES) if (name.startsWith(prefix) && name.length > prefix.length + 2) forms.push(name.slice(prefix.length));
  return forms;
}

const PREFIXES = ['node-', 'node', 'js-', 'nodejs-', 'npm-', 'the-', 'real-', 'official-', 'get-'];
const SUFFIXES = ['-js', '.js', 'js', '-node', 'node', '-cli', 'cli', '-utils', '-util', '-lib', '-api', '-sdk', '-pkg', '-package', '-plus', '-pro', '-dev', '-core', '-official', 's', 'es'];

/** A candidate with a known affix or a version suffix removed ('lodash-js', 'node-lodash', 'lodash4'): exact look-ups. */
export function strippedForms(name: string): string[] {
  const forms = new Set<string>();
  const scopeEnd = name.startsWith('@') ? name.indexOf('/') + 1 : 0;
  const bare = name.slice(scopeEnd);
  if (scopeEnd > 0) forms.add(bare);
  for (const prefix of PREFIXES) if (bare.startsWith(prefix) && bare.length > prefix.length + 1) forms.add(name.slice(0, scopeEnd) + bare.slice(prefix.length));
  for (const suffix of SUFFIXES) if (bare.endsWith(suffix) && bare.length > suffix.length + 1) forms.add(name.slice(0, -suffix.length));
  const versionless = name.replace(/[-_.]?v?\d+$/, '');
  if (versionless !== name && versionless.length > scopeEnd + 1) forms.add(versionless);
  forms.delete(name);
  return [...forms];
}

/** Keys a candidate is looked up under. */
export function candidateKeys(name: string): string[] {
  const keys = [...baseKeys(name)];
  for (const form of strippedForms(name)) keys.push(form);
  for (const form of pluginShortForms(name)) keys.push(`+${form}`);
  return keys;
}

import { describe, expect, it } from 'vitest';
import { anagramHash, anagramKey, nameFacts, skeleton, skeletonHash, sortedWords, strippedForms } from '../../src/popularity/forms.js';
import { continueHash } from '../../src/popularity/hash.js';

const SEED = 12345;
const hashOf = (text: string): number => continueHash(SEED, text, 0, text.length);

describe('name forms', () => {
  it('a skeleton drops delimiters and case, unifies confusables and collapses repeats', () => {
    expect(skeleton('Cross-Env')).toBe(skeleton('crossenv'));
    expect(skeleton('rnoment')).toBe(skeleton('moment'));
    expect(skeleton('l0dash')).toBe(skeleton('lodash'));
    expect(skeleton('expresss')).toBe(skeleton('express'));
    expect(skeleton('lоdash')).toBe(skeleton('lodash')); // Cyrillic о
    expect(skeleton('ＬＯＤＡＳＨ')).toBe(skeleton('lodash')); // full-width, folded by NFKD
    expect(skeleton('lodash')).not.toBe(skeleton('lodahs'));
  });

  it('hashes the skeleton and the anagram as their strings, for names of any length', () => {
    for (const name of ['lodash', 'RN-vv-Rn', 'lоdash', 'ab', 'Long-Name-'.repeat(30)]) {
      expect(skeletonHash(SEED, name)).toBe(hashOf(skeleton(name)));
      const anagram = anagramKey(name);
      expect(anagramHash(SEED, name)).toBe(anagram === undefined ? undefined : hashOf(anagram));
    }
    expect(anagramKey('Re-Act')).toBe(anagramKey('trace'));
    expect(anagramKey('rea')).toBeUndefined();
  });

  it('sorts the words of a name with more than one', () => {
    expect(sortedWords('env-cross')).toBe('cross env');
    expect(sortedWords('@babel/core')).toBe('babel core');
    expect(sortedWords('lodash')).toBeUndefined();
    expect(sortedWords('-lodash-')).toBeUndefined();
  });

  it('strips known affixes, the scope and version suffixes, never giving the name back', () => {
    expect(strippedForms('lodash-js')).toContain('lodash');
    expect(strippedForms('node-lodash')).toContain('lodash');
    expect(strippedForms('@acme/node-lodash')).toEqual(expect.arrayContaining(['node-lodash', '@acme/lodash']));
    expect(strippedForms('lodash-v4.1')).toContain('lodash');
    expect(strippedForms('colors2.0')).toContain('colors');
    expect(strippedForms('js')).toEqual([]);
    expect(strippedForms('lodash')).not.toContain('lodash');
  });

  it('derives the same facts lazily as the functions do', () => {
    const facts = nameFacts('@acme/Env-Cross-js');
    expect(facts.bareUndelimited).toBe('EnvCrossjs');
    expect(facts.undelimited).toBe('acmeEnvCrossjs');
    expect(facts.skeleton).toBe(skeleton('@acme/Env-Cross-js'));
    expect(facts.words).toBe(sortedWords('@acme/Env-Cross-js'));
    expect(facts.anagram).toBe(anagramKey('@acme/Env-Cross-js'));
    expect(facts.stripped).toEqual(strippedForms('@acme/Env-Cross-js'));
    expect(nameFacts('lodash').words).toBeUndefined();
  });
});

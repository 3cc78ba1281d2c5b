import { describe, expect, it } from 'vitest';
import { bareUndelimited } from '../../src/popularity/forms.js';
import { continueHash, hash32 } from '../../src/popularity/hash.js';
import { DISTANCE_2_MIN_LENGTH, DISTANCE_3_MIN_LENGTH, PROBE_FIELDS, editsSearched, partKeys, probeKeys, probePlan } from '../../src/popularity/parts.js';
import { PartTable, encodePartTable } from '../../src/popularity/tables.js';

/** A fixed-seed generator: the property test is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `edits` random Levenshtein edits (insert, delete, substitute) of a word. */
function mistype(word: string, edits: number, random: () => number): string {
  let text = word;
  for (let edit = 0; edit < edits; edit++) {
    const at = Math.floor(random() * (text.length + 1));
    const letter = LETTERS[Math.floor(random() * LETTERS.length)]!;
    const kind = Math.floor(random() * 3);
    if (kind === 0) text = text.slice(0, at) + letter + text.slice(at);
    else if (kind === 1 && at < text.length) text = text.slice(0, at) + text.slice(at + 1);
    else text = text.slice(0, at) + letter + text.slice(at + 1);
  }
  return text;
}

describe('the part search plan (pigeonhole)', () => {
  it('hashes exactly the part keys it names, and a name probes its own parts', () => {
    for (const name of ['chokidar', 'strip-json-comments', '@babel/plugin-transform-runtime', 'abcdef', 'x'.repeat(40), 'react-error-overlay']) {
      const bare = bareUndelimited(name);
      const plan = probePlan(bare.length);
      const hashes: number[] = [];
      for (let probe = 0; probe < plan.length; probe += PROBE_FIELDS) {
        hashes.push(continueHash(plan[probe]!, bare, plan[probe + 1]!, plan[probe + 1]! + plan[probe + 2]!));
      }
      expect(hashes).toEqual(probeKeys(name).map(hash32));
      expect(partKeys(name).every((key) => probeKeys(name).includes(key))).toBe(true);
    }
  });

  it('cuts only the names it searches', () => {
    expect(partKeys('react')).toEqual([]);
    expect(partKeys('x'.repeat(33))).toEqual([]);
    expect(partKeys('lodash')).toHaveLength(3);
    expect(partKeys('react-error-overlay')).toHaveLength(5);
    expect([editsSearched(DISTANCE_3_MIN_LENGTH - 1), editsSearched(DISTANCE_3_MIN_LENGTH)]).toEqual([2, 3]);
  });

  it('finds every target within the edits searched, whatever they are', () => {
    const random = seeded(11);
    const targets = Array.from({ length: 300 }, (_, index) => {
      const length = DISTANCE_2_MIN_LENGTH + (index % 20);
      return Array.from({ length }, () => LETTERS[Math.floor(random() * 26)]).join('');
    });
    const table = new PartTable(encodePartTable(targets, () => true));
    targets.forEach((target, rank) => {
      for (let trial = 0; trial < 5; trial++) {
        const typo = mistype(target, editsSearched(target.length), random);
        expect(table.candidatesFor(typo), `${typo} from ${target}`).toContain(rank);
      }
    });
  });
});

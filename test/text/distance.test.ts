import { describe, expect, it } from 'vitest';
import { DistanceFrom, editDistance } from '../../src/text/distance.js';

/** Plain full-matrix OSA distance, the reference the banded one must agree with. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['ab', '', 2],
    ['', 'ab', 2],
    ['lodash', 'lodash', 0],
    ['lodahs', 'lodash', 1],
    ['expresss', 'express', 1],
    ['rceat', 'react', 2],
    ['kitten', 'sitting', 3],
    ['logsymbles', 'log-symbols', 3],
  ])('%s ~ %s = %i (capped at limit + 1)', (a, b, distance) => {
    expect(editDistance(a, b, 5)).toBe(distance);
    expect(editDistance(a, b, 2)).toBe(Math.min(distance, 3));
  });

  it('agrees with the full-matrix reference on generated pairs, for every limit', () => {
    let seed = 7;
    const random = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    for (let round = 0; round < 3000; round++) {
      const a = Array.from({ length: random(12) }, () => 'abcde'[random(5)]).join('');
      const b = Array.from({ length: random(12) }, () => 'abcde'[random(5)]).join('');
      const limit = random(4);
      expect(editDistance(a, b, limit)).toBe(Math.min(reference(a, b), limit + 1));
    }
  });

  it('DistanceFrom measures the same distance bit-parallel, transpositions included', () => {
    let seed = 11;
    const random = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    for (let round = 0; round < 3000; round++) {
      const a = Array.from({ length: random(33) }, () => 'abcd'[random(4)]).join('');
      // Texts near the pattern (a few edits of it) as well as unrelated ones.
      const b = random(2) === 0 ? Array.from({ length: random(34) }, () => 'abcd'[random(4)]).join('') : mutate(a, random(5), random);
      const limit = random(4);
      expect(new DistanceFrom(a).distance(b, limit), `${a} ~ ${b}`).toBe(Math.min(reference(a, b), limit + 1));
    }
    expect(new DistanceFrom('lodash').distance('lodahs', 2)).toBe(1);
    expect(new DistanceFrom('rеact').distance('react', 2)).toBe(1); // a Cyrillic е
    expect(() => new DistanceFrom('x'.repeat(33))).toThrow(RangeError);
    // Reused for another pattern, it forgets the first one's letters.
    const measure = new DistanceFrom('lodash');
    expect(measure.from('react').distance('lodash', 5)).toBe(new DistanceFrom('react').distance('lodash', 5));
    expect(measure.from('rеact').distance('react', 2)).toBe(1);
    expect(measure.from('react').distance('rеact', 2)).toBe(1);
  });
});

function mutate(text: string, edits: number, random: (n: number) => number): string {
  const chars = [...text];
  for (let edit = 0; edit < edits; edit++) {
    const at = random(chars.length + 1);
    const kind = random(4);
    if (kind === 0) chars.splice(at, 0, 'abcd'[random(4)]!);
    else if (kind === 1) chars.splice(at, 1);
    else if (kind === 2) chars[at] = 'abcd'[random(4)]!;
    else if (at + 1 < chars.length) [chars[at], chars[at + 1]] = [chars[at + 1]!, chars[at]!];
  }
  return chars.join('');
}

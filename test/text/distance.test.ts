import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/text/distance.js';

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
    const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let round = 0; round < 3000; round++) {
      const a = Array.from({ length: random(12) }, () => 'abcde'[random(5)]).join('');
      const b = Array.from({ length: random(12) }, () => 'abcde'[random(5)]).join('');
      const limit = random(4);
      expect(editDistance(a, b, limit)).toBe(Math.min(reference(a, b), limit + 1));
    }
  });
});

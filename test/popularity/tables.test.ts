import { describe, expect, it } from 'vitest';
import { hash32 } from '../../src/popularity/hash.js';
import { candidateHashes, candidateKeys } from '../../src/popularity/keys.js';
import {
  BloomFilter,
  NearMissTable,
  PartTable,
  PopularityTable,
  encodeBloom,
  encodeNearMissTable,
  encodePartTable,
  encodePopularity,
} from '../../src/popularity/tables.js';

describe('binary tables', () => {
  it('candidateHashes hashes exactly candidateKeys (the fast path builds no deletion strings)', () => {
    const names = ['lodash', '@types/node', 'eslint-plugin-unused-imports', 'a', 'x'.repeat(40), 'lоdash', 'ＬＯＤＡＳＨ-js'];
    const stripped = ['@acme/node-lodash-cli', 'lodash-v4.1', 'colors2.0', '@x/y1', 'node', 'eslint-comments', 'a-b-c-d-e'];
    for (const name of [...names, ...stripped, 'Long-Name-'.repeat(20)]) {
      expect(new Set(candidateHashes(name))).toEqual(new Set(candidateKeys(name).map(hash32)));
    }
  });

  it('the part table finds names two edits away, three from a long one, and needs several parts of a long name', () => {
    const targets = ['chokidar', 'commander', 'react-components', 'react-router', 'react-error-overlay'];
    const table = new PartTable(encodePartTable(targets, () => true));
    const named = (name: string) => table.candidatesFor(name).map((rank) => targets[rank]);
    expect(named('chokdazr')).toEqual(['chokidar']); // 'cho' intact
    expect(named('cmmande')).toEqual(['commander']);
    expect(named('react-routre')).toContain('react-router');
    expect(named('rebact-eror-oveflay')).toContain('react-error-overlay');
    // Only 'react' in common: one part of five is no evidence.
    expect(named('react-widgetsxyz')).toEqual([]);
    expect(new PartTable(encodePartTable(targets, (rank) => rank !== 0)).candidatesFor('chokdazr')).toEqual([]);
  });

  it('the near-miss table finds the targets that share a key, and only those', () => {
    const targets = ['express', 'lodash', 'cross-env', 'react'];
    const table = new NearMissTable(encodeNearMissTable(targets));
    const named = (name: string) => [...table.candidatesFor(name)].map((rank) => targets[rank]).sort();
    expect(named('expresss')).toEqual(['express']);
    expect(named('lodahs')).toEqual(['lodash']);
    expect(named('crossenv')).toEqual(['cross-env']);
    expect(named('zzzzzzzz')).toEqual([]);
  });

  it('the popularity table answers downloads by name and verifies target names in full', () => {
    const popular = [
      ['react', 900],
      ['lodash', 800],
      ['tiny-lib', 20],
    ] as const;
    const table = new PopularityTable(encodePopularity(popular, 2));
    expect(table.targets).toBe(2);
    expect(popular.map(([name]) => table.downloadsAt(table.rankOf(name)))).toEqual([900, 800, 20]);
    expect(table.rankOf('not-listed')).toBe(-1);
    expect([table.targetName(0), table.targetName(1)]).toEqual(['react', 'lodash']);
  });

  it('a rank without a stored name is an error, never the blob of all names', () => {
    const table = new PopularityTable(
      encodePopularity(
        [
          ['react', 900],
          ['lodash', 800],
          ['tiny-lib', 20],
        ],
        2,
      ),
    );
    // Rank 2 is listed (downloads) but not a target; 3 is past the table; neither has a name to give.
    for (const rank of [2, 3, -1, 0.5, Number.NaN]) expect(() => table.targetName(rank), String(rank)).toThrow(RangeError);
    expect(table.targetName(1)).toBe('lodash');
  });

  it('the Bloom filter never says "absent" for a name it holds', () => {
    const names = Array.from({ length: 5000 }, (_, index) => `package-${index}`);
    const filter = new BloomFilter(encodeBloom(names, 80_000, 6));
    expect(names.every((name) => filter.has(name))).toBe(true);
    const strangers = Array.from({ length: 5000 }, (_, index) => `stranger-${index}`).filter((name) => filter.has(name));
    expect(strangers.length).toBeLessThan(100); // ~16 bits a name: well under 2% false "present"
  });

  it('refuses bytes that are not its format', () => {
    const junk = new Uint8Array(300_000);
    expect(() => new NearMissTable(junk)).toThrow(/not a near-miss table/);
    expect(() => new PartTable(junk)).toThrow(/not a part table/);
    expect(() => new PopularityTable(junk)).toThrow(/not a popularity table/);
    expect(() => new BloomFilter(junk)).toThrow(/not a name record/);
  });
});

import { describe, expect, it } from 'vitest';
import { nearMissName } from '../../src/rules/near-miss-name.js';
import { contextOf, findingsOf, lockTree, registryEntry } from '../support/tree.js';

describe('near-miss-name', () => {
  const tree = lockTree(
    {
      'node_modules/a': registryEntry('a-lib-that-is-fine', '1.0.0', { name: 'a-lib-that-is-fine', dependencies: { lodahs: '^1' } }),
      'node_modules/lodahs': registryEntry('lodahs', '1.0.0'),
      'node_modules/a/node_modules/lodahs': registryEntry('lodahs', '1.0.0'),
      'node_modules/crossenv': registryEntry('crossenv', '1.0.0'),
      'node_modules/react-dom': registryEntry('react-dom', '18.0.0'),
      'node_modules/uid': registryEntry('uid', '2.0.0'),
      'node_modules/my-lodash': { ...registryEntry('lodash', '4.17.21'), name: 'lodash' },
    },
    { dependencies: { a: 'npm:a-lib-that-is-fine@1', lodahs: '^1', crossenv: '^1', 'react-dom': '^18', uid: '^2', 'my-lodash': 'npm:lodash@4' } },
  );

  it('flags each squat name once, at its first location, and never legitimate popular names', () => {
    expect(findingsOf(nearMissName, tree)).toEqual([
      { location: 'node_modules/crossenv', code: 'near-miss-name', severity: 'medium' },
      { location: 'node_modules/lodahs', code: 'near-miss-name', severity: 'high' },
    ]);
  });

  it('judges the real name of an alias, not the name it is installed under', () => {
    const aliased = lockTree({ 'node_modules/lodash': { ...registryEntry('lodahs', '1.0.0'), name: 'lodahs' } }, { dependencies: { lodash: 'npm:lodahs@1' } });
    expect(findingsOf(nearMissName, aliased)).toEqual([{ location: 'node_modules/lodash', code: 'near-miss-name', severity: 'high' }]);
  });

  it('explains with both names and both popularity figures', () => {
    const crossenv = nearMissName.check(contextOf(tree)).find((finding) => finding.node.name === 'crossenv')!;
    expect(crossenv.detail).toMatchObject({ code: 'near-miss-name', target: 'cross-env', family: 'delimiter', popularMin: 10_000 });
    const detail = crossenv.detail as { downloads: number; targetDownloads: number };
    expect(detail.targetDownloads).toBeGreaterThan(100 * detail.downloads);
  });
});

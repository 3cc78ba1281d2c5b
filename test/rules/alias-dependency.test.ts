import { describe, expect, it } from 'vitest';
import { aliasDependency } from '../../src/rules/alias-dependency.js';
import { contextOf, findingsOf, lockTree, registryEntry } from '../support/tree.js';

describe('alias-dependency', () => {
  it('shows both names of an npm: alias, and ignores an alias to the same name', () => {
    const tree = lockTree(
      {
        'node_modules/lodash': { ...registryEntry('something-else', '1.0.0'), name: 'something-else' },
        'node_modules/semver': registryEntry('semver', '7.0.0'),
        'node_modules/react': registryEntry('react', '18.0.0'),
      },
      { dependencies: { lodash: 'npm:something-else@1', semver: 'npm:semver@7', react: '^18' } },
    );
    expect(findingsOf(aliasDependency, tree)).toEqual([{ location: 'node_modules/lodash', code: 'alias-dependency', severity: 'low' }]);
    expect(aliasDependency.check(contextOf(tree))[0]?.detail).toEqual({
      code: 'alias-dependency',
      installedAs: 'lodash',
      realName: 'something-else',
      spec: 'npm:something-else@1',
    });
  });
});

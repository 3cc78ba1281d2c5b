import { describe, expect, it } from 'vitest';
import { weakIntegrity } from '../../src/rules/weak-integrity.js';
import { contextOf, findingsOf, lockTree } from '../support/tree.js';

const SHA1 = 'sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=';
const SHA512 = 'sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==';

describe('weak-integrity', () => {
  it('flags tarballs pinned only by sha1, not those with a strong hash beside it', () => {
    const entry = (name: string, integrity: string) => ({
      version: '1.0.0',
      resolved: `https://registry.example.test/${name}/-/${name}-1.0.0.tgz`,
      integrity,
    });
    const tree = lockTree(
      {
        'node_modules/old': entry('old', SHA1),
        'node_modules/both': entry('both', `${SHA1} ${SHA512}`),
        'node_modules/new': entry('new', SHA512),
      },
      { dependencies: { old: '^1', both: '^1', new: '^1' } },
    );
    expect(findingsOf(weakIntegrity, tree)).toEqual([{ location: 'node_modules/old', code: 'weak-integrity', severity: 'medium' }]);
    expect(weakIntegrity.check(contextOf(tree))[0]?.detail).toEqual({ code: 'weak-integrity', algorithms: ['sha1'] });
  });
});

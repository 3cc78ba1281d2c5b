import { describe, expect, it } from 'vitest';
import { urlDependency } from '../../src/rules/url-dependency.js';
import { contextOf, findingsOf, lockTree, registryEntry, type Expected } from '../support/tree.js';

const URL_TGZ = 'https://attacker.example.test/payload.tgz';

const cases: { name: string; packages: Record<string, unknown>; root?: Record<string, unknown>; expected: Expected[] }[] = [
  {
    name: 'registry ranges, tags and aliases are not URL dependencies',
    root: { dependencies: { a: '^1.0.0', b: 'latest', c: 'npm:a@1' } },
    packages: {
      'node_modules/a': registryEntry('a', '1.0.0'),
      'node_modules/b': registryEntry('b', '2.0.0'),
      'node_modules/c': { ...registryEntry('a', '1.0.0'), name: 'a' },
    },
    expected: [],
  },
  {
    name: 'a published package declaring a URL dependency is critical (PhantomRaven), three levels down',
    root: { dependencies: { a: '^1.0.0' } },
    packages: {
      'node_modules/a': registryEntry('a', '1.0.0', { dependencies: { b: '^1.0.0' } }),
      'node_modules/b': registryEntry('b', '1.0.0', { dependencies: { evil: URL_TGZ } }),
      'node_modules/evil': { version: '1.0.0', resolved: URL_TGZ, integrity: 'sha512-AAAA' },
    },
    expected: [{ location: 'node_modules/evil', code: 'url-dependency', severity: 'critical' }],
  },
  {
    name: 'the project declaring a URL dependency itself is high',
    root: { dependencies: { x: 'http://tarballs.example.test/x-1.0.0.tgz' } },
    packages: { 'node_modules/x': { version: '1.0.0', resolved: 'http://tarballs.example.test/x-1.0.0.tgz' } },
    expected: [{ location: 'node_modules/x', code: 'url-dependency', severity: 'high' }],
  },
  {
    name: 'git and file specs are other rules',
    root: { dependencies: { g: 'github:user/repo', f: 'file:./vendor/f.tgz' } },
    packages: {
      'node_modules/g': { version: '1.0.0', resolved: 'git+ssh://git@github.com/user/repo.git#0123456789abcdef0123456789abcdef01234567' },
      'node_modules/f': { version: '1.0.0', resolved: 'file:vendor/f.tgz', integrity: 'sha512-AAAA' },
    },
    expected: [],
  },
];

describe('url-dependency', () => {
  it.each(cases)('$name', ({ packages, root, expected }) => {
    expect(findingsOf(urlDependency, lockTree(packages, root))).toEqual(expected);
  });

  it('names the declaring package and the URL', () => {
    const tree = lockTree(cases[1]!.packages, cases[1]!.root);
    const [finding] = urlDependency.check(contextOf(tree));
    expect(finding?.detail).toEqual({
      code: 'url-dependency',
      url: URL_TGZ,
      declaredBy: { name: 'b', version: '1.0.0', isProject: false },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { foreignRegistry } from '../../src/rules/foreign-registry.js';
import { contextOf, findingsOf, lockTree, REGISTRIES, registryEntry } from '../support/tree.js';

const tree = lockTree(
  {
    'node_modules/ok': registryEntry('ok', '1.0.0'),
    'node_modules/swapped': { version: '1.0.0', resolved: 'https://evil.example.test/swapped/-/swapped-1.0.0.tgz', integrity: 'sha512-AAAA' },
    'node_modules/mirror': { version: '1.0.0', resolved: 'https://mirror.example.test/mirror/-/mirror-1.0.0.tgz', integrity: 'sha512-AAAA' },
    'node_modules/@corp/lib': { version: '1.0.0', resolved: 'https://npm.corp.example.test/@corp/lib/-/lib-1.0.0.tgz', integrity: 'sha512-AAAA' },
    'node_modules/@other/lib': { version: '1.0.0', resolved: 'https://npm.corp.example.test/@other/lib/-/lib-1.0.0.tgz', integrity: 'sha512-AAAA' },
    'node_modules/url': { version: '1.0.0', resolved: 'https://files.example.test/url.tgz' },
    'node_modules/nores': { version: '1.0.0', integrity: 'sha512-AAAA' },
  },
  {
    dependencies: {
      ok: '^1',
      swapped: '^1',
      mirror: '^1',
      '@corp/lib': '^1',
      '@other/lib': '^1',
      url: 'https://files.example.test/url.tgz',
      nores: '^1',
    },
  },
);

describe('foreign-registry', () => {
  it('flags registry packages from other hosts; URL dependencies and omitted resolved are not its business', () => {
    expect(findingsOf(foreignRegistry, tree)).toEqual([
      { location: 'node_modules/@corp/lib', code: 'foreign-registry', severity: 'high' },
      { location: 'node_modules/@other/lib', code: 'foreign-registry', severity: 'high' },
      { location: 'node_modules/mirror', code: 'foreign-registry', severity: 'high' },
      { location: 'node_modules/swapped', code: 'foreign-registry', severity: 'high' },
    ]);
  });

  it('accepts scoped registries for their scope only, and allowed hosts', () => {
    const registries = {
      ...REGISTRIES,
      scopes: new Map([['@corp', 'https://npm.corp.example.test/']]),
      allowedHosts: ['mirror.example.test'],
    };
    expect(findingsOf(foreignRegistry, tree, registries)).toEqual([
      { location: 'node_modules/@other/lib', code: 'foreign-registry', severity: 'high' },
      { location: 'node_modules/swapped', code: 'foreign-registry', severity: 'high' },
    ]);
    const swapped = foreignRegistry.check(contextOf(tree, registries)).find((f) => f.node.location === 'node_modules/swapped');
    expect(swapped?.detail).toEqual({ code: 'foreign-registry', host: 'evil.example.test', expected: 'registry.example.test' });
  });

  it('compares ports too', () => {
    const local = lockTree(
      { 'node_modules/a': { version: '1.0.0', resolved: 'http://127.0.0.1:5000/a/-/a-1.0.0.tgz', integrity: 'sha512-AAAA' } },
      { dependencies: { a: '^1' } },
    );
    const registries = { ...REGISTRIES, registry: 'http://127.0.0.1:4873/' };
    expect(findingsOf(foreignRegistry, local, registries)).toHaveLength(1);
    expect(findingsOf(foreignRegistry, local, { ...registries, registry: 'http://127.0.0.1:5000/' })).toEqual([]);
  });
});

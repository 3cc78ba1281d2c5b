import { describe, expect, it } from 'vitest';
import { unverified } from '../../src/rules/unverified.js';
import { contextOf, findingsIn, lockTree, published, registryEntry, withFacts } from '../support/tree.js';

describe('unverified', () => {
  const tree = lockTree(
    {
      'node_modules/direct': registryEntry('direct', '1.0.0', { dependencies: { removed: '^1', down: '^1', cached: '^1' } }),
      'node_modules/removed': registryEntry('removed', '1.0.0'),
      'node_modules/down': registryEntry('down', '1.0.0'),
      'node_modules/cached': registryEntry('cached', '1.0.0'),
      'node_modules/gone': registryEntry('gone', '1.0.0'),
    },
    { dependencies: { direct: '^1', gone: '^1' } },
  );

  it('reports faults and removed packages, fails closed, and leaves offline cache misses and direct 404s to others', () => {
    const context = withFacts(tree, {
      'node_modules/direct': published('1.0.0', {}),
      'node_modules/removed': { ok: false, notFound: true, offline: false, cause: '404' },
      'node_modules/down': { ok: false, notFound: false, offline: false, cause: 'the registry answered HTTP 503' },
      'node_modules/cached': { ok: false, notFound: false, offline: true, cause: 'not in npm’s cache' },
      'node_modules/gone': { ok: false, notFound: true, offline: false, cause: '404' },
    });
    expect(findingsIn(unverified, context)).toEqual([
      { location: 'node_modules/down', code: 'unverified', severity: 'high' },
      { location: 'node_modules/removed', code: 'unverified', severity: 'high' },
    ]);
    expect(unverified.check(context).find((finding) => finding.node.name === 'removed')!.detail).toEqual({
      code: 'unverified',
      cause: 'the registry has no package of this name (404): it was removed or unpublished',
    });
  });

  it('under --offline a fault stays medium (a cached packument without the locked version is often only stale)', () => {
    const online = withFacts(tree, { 'node_modules/down': { ok: false, notFound: false, offline: false, cause: 'the registry does not list version 1.0.0' } });
    const offline = { ...online, facts: { ...online.facts!, offline: true } };
    expect(findingsIn(unverified, offline)).toEqual([{ location: 'node_modules/down', code: 'unverified', severity: 'medium' }]);
  });

  it('a registry that failed every package for one cause is one high finding on the project', () => {
    const refused = { ok: false, notFound: false, offline: false, cause: 'the registry refused the connection' } as const;
    const context = withFacts(tree, Object.fromEntries(['direct', 'removed', 'down', 'cached', 'gone'].map((name) => [`node_modules/${name}`, refused])));
    expect(findingsIn(unverified, context)).toEqual([{ location: '', code: 'unverified', severity: 'high' }]);
    expect(unverified.check(context)[0]!.detail).toEqual({
      code: 'unverified',
      cause: 'the registry refused the connection (none of the 5 packages was checked)',
    });
    // One package that answered, or two causes, keep the findings per package.
    const oneAnswered = withFacts(tree, {
      ...Object.fromEntries(['removed', 'down'].map((name) => [`node_modules/${name}`, refused])),
      'node_modules/direct': published('1.0.0', {}),
    });
    expect(findingsIn(unverified, oneAnswered).map((finding) => finding.location)).toEqual(['node_modules/down', 'node_modules/removed']);
  });

  it('is silent when registry checks did not run', () => {
    expect(findingsIn(unverified, contextOf(tree))).toEqual([]);
  });
});

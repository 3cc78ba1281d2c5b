import { describe, expect, it } from 'vitest';
import { overrideProblems } from '../../src/tree/overrides.js';
import { lockTree, registryEntry } from '../support/tree.js';

const dependencies = { once: '^1.4.0', other: '^1.0.0' };
const tree = lockTree(
  {
    'node_modules/once': registryEntry('once', '1.4.0', { dependencies: { wrappy: '1' } }),
    'node_modules/wrappy': registryEntry('wrappy', '1.0.2'),
    'node_modules/other': registryEntry('other', '1.0.0', { dependencies: { wrappy: '^1.0.0' } }),
    'node_modules/bundler': registryEntry('bundler', '1.0.0', { dependencies: { wrappy: '1' } }),
    'node_modules/bundler/node_modules/wrappy': { ...registryEntry('wrappy', '1.0.0'), inBundle: true },
  },
  { dependencies: { ...dependencies, bundler: '^1.0.0' } },
);
const problems = (overrides: unknown) => overrideProblems(tree, { dependencies, overrides }).problems;
const refused = { manifest: 'package.json "overrides"', declarer: '', name: 'wrappy', spec: '2.0.0', locked: '1.0.2' };

describe('overrideProblems: the edges npm ci re-resolves because of package.json overrides', () => {
  it('an override the locked package does not satisfy, everywhere or under one parent, is one problem per spec and locked version', () => {
    expect(problems({ wrappy: '2.0.0' })).toEqual([refused]);
    expect(problems({ once: { wrappy: '2.0.0' } })).toEqual([refused]);
    // A rule keyed by a range applies only to edges whose spec intersects it (arborist's getEdgeRule).
    expect(problems({ 'wrappy@^1.0.0': '2.0.0' })).toEqual([refused]);
    expect(problems({ 'wrappy@>=3': '4.0.0' })).toEqual([]);
    // An override of a direct dependency that contradicts its declared range: npm ci refuses it too.
    expect(problems({ once: '1.3.0' })).toEqual([{ ...refused, name: 'once', spec: '1.3.0', locked: '1.4.0' }]);
  });

  it('overrides the lockfile satisfies, references to the root spec and bundled packages are in sync', () => {
    expect(problems({ wrappy: '1.0.2' })).toEqual([]);
    expect(problems({ once: '$once' })).toEqual([]);
    expect(problems({})).toEqual([]);
    expect(overrideProblems(tree, { dependencies }).problems).toEqual([]);
  });

  it('overrides npm cannot read are input errors, as npm fails on them', () => {
    expect(() => problems({ once: '$missing' })).toThrow('"overrides" refers to "$missing", which the root package.json does not declare');
    expect(() => problems(['wrappy'])).toThrow('"overrides" must be an object');
    expect(() => problems({ '@': '1.0.0' })).toThrow('"overrides" cannot be read as npm reads it');
  });
});

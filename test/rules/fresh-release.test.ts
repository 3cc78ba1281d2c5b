import { describe, expect, it } from 'vitest';
import { freshRelease } from '../../src/rules/fresh-release.js';
import { findingsIn, lockTree, published, registryEntry, withFacts } from '../support/tree.js';

const now = new Date('2026-11-25T12:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
const names = ['fresh', 'settled', 'young', 'unknown', 'future'];
const tree = lockTree(Object.fromEntries(names.map((name) => [`node_modules/${name}`, registryEntry(name, '2.0.0')])), {
  dependencies: Object.fromEntries(names.map((name) => [name, '^2'])),
});
const facts = {
  'node_modules/fresh': published('2.0.0', {}, { published: hoursAgo(5), firstPublished: hoursAgo(24 * 400) }),
  'node_modules/settled': published('2.0.0', {}, { published: hoursAgo(72), firstPublished: hoursAgo(24 * 400) }),
  'node_modules/young': published('2.0.0', {}, { published: hoursAgo(100), firstPublished: hoursAgo(24 * 10) }),
  'node_modules/unknown': published('2.0.0', {}),
  'node_modules/future': published('2.0.0', {}, { published: hoursAgo(-5), firstPublished: hoursAgo(-5) }),
};

describe('fresh-release', () => {
  it('flags versions younger than 48 hours and packages younger than 30 days; unknown times are no finding', () => {
    expect(findingsIn(freshRelease, withFacts(tree, facts, now))).toEqual([
      { location: 'node_modules/fresh', code: 'fresh-release', severity: 'medium' },
      { location: 'node_modules/young', code: 'new-package', severity: 'low' },
    ]);
  });

  it('follows the policy thresholds', () => {
    const context = { ...withFacts(tree, facts, now), thresholds: { freshReleaseHours: 80, newPackageDays: 0 } };
    expect(findingsIn(freshRelease, context).map((finding) => finding.location)).toEqual(['node_modules/fresh', 'node_modules/settled']);
  });
});

import { describe, expect, it } from 'vitest';
import { freshRelease } from '../../src/rules/fresh-release.js';
import { findingsIn, lockTree, messageOf, published, registryEntry, withFacts } from '../support/tree.js';

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

  it('counts whole hours and days elapsed: 40 minutes is less than an hour, 29.9 days is 29', () => {
    const recent = {
      ...facts,
      'node_modules/fresh': published('2.0.0', {}, { published: hoursAgo(40 / 60), firstPublished: hoursAgo(24 * 400) }),
      'node_modules/young': published('2.0.0', {}, { published: hoursAgo(24 * 40), firstPublished: hoursAgo(24 * 29.9) }),
    };
    const details = freshRelease.check(withFacts(tree, recent, now)).map((finding) => finding.detail);
    expect(details).toMatchObject([
      { code: 'fresh-release', hours: 0 },
      { code: 'new-package', days: 29 },
    ]);
  });

  it('follows the policy thresholds', () => {
    const context = { ...withFacts(tree, facts, now), thresholds: { freshReleaseHours: 80, newPackageDays: 0 } };
    expect(findingsIn(freshRelease, context).map((finding) => finding.location)).toEqual(['node_modules/fresh', 'node_modules/settled']);
  });

  it('says an age in words: under an hour or a day, one hour or day, or how many', () => {
    const fresh = (hours: number) =>
      messageOf(freshRelease, { code: 'fresh-release', version: '2.0.0', published: '2026-11-25T11:40:00.000Z', hours, limitHours: 48 });
    expect(fresh(0)).toBe('version 2.0.0 was published less than an hour ago (2026-11-25T11:40:00.000Z), within the 48-hour cool-down');
    expect(fresh(1)).toMatch(/ published 1 hour ago /);
    expect(fresh(5)).toMatch(/ published 5 hours ago /);
    const young = (days: number) => messageOf(freshRelease, { code: 'new-package', firstPublished: '2026-11-25T01:00:00.000Z', days, limitDays: 30 });
    expect(young(0)).toBe("the package's first release is less than a day old (2026-11-25T01:00:00.000Z): it has no history yet");
    expect(young(1)).toMatch(/ is 1 day old /);
    expect(young(10)).toMatch(/ is 10 days old /);
  });
});

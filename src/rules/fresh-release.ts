import { DEFAULT_THRESHOLDS } from '../config/policy.js';
import { defineRule, type RuleFinding } from './types.js';
import { answeredEntries } from '../registry/facts.js';

const HOUR = 3_600_000;

/**
 * Malicious versions are usually caught within days: a version younger than the policy's freshReleaseHours
 * (default 48) has not had that time, and a package whose first release is younger than newPackageDays
 * (default 30) has no history at all. Missing publish times mean unknown, never fresh.
 */
export const freshRelease = defineRule({
  id: 'fresh-release',
  description: 'A resolved version was published very recently, or the package itself is new.',
  defaultSeverity: 'medium',
  messages: {
    'fresh-release': {
      message: (detail) =>
        `version ${detail.version} was published ${hoursAgo(detail.hours)} (${detail.published}), within the ${detail.limitHours}-hour cool-down`,
      hint: () => 'wait, or pin the previous version, until the release has been looked at',
    },
    'new-package': {
      message: (detail) => `the package's first release is ${daysOld(detail.days)} (${detail.firstPublished}): it has no history yet`,
      hint: () => 'wait, or pin the previous version, until the release has been looked at',
    },
  },
  check({ tree, facts, now = new Date(), thresholds = DEFAULT_THRESHOLDS }) {
    const findings: RuleFinding[] = [];
    for (const [location, entry] of facts ? answeredEntries(facts) : []) {
      if (!entry.ok) continue;
      const node = tree.nodes.get(location)!;
      const { published, firstPublished, version } = entry.facts;
      const hours = published ? (now.getTime() - published.getTime()) / HOUR : undefined;
      if (hours !== undefined && hours >= 0 && hours < thresholds.freshReleaseHours) {
        findings.push({
          node,
          detail: { code: 'fresh-release', version, published: published!.toISOString(), hours: Math.floor(hours), limitHours: thresholds.freshReleaseHours },
        });
        continue;
      }
      const days = firstPublished ? (now.getTime() - firstPublished.getTime()) / (24 * HOUR) : undefined;
      if (days !== undefined && days >= 0 && days < thresholds.newPackageDays) {
        findings.push({
          node,
          severity: 'low',
          detail: { code: 'new-package', firstPublished: firstPublished!.toISOString(), days: Math.floor(days), limitDays: thresholds.newPackageDays },
        });
      }
    }
    return findings;
  },
});

/** `less than an hour ago`, `1 hour ago`, `5 hours ago` (the finding holds whole hours elapsed: 40 minutes is none). */
const hoursAgo = (hours: number): string => (hours < 1 ? 'less than an hour ago' : `${hours} hour${hours === 1 ? '' : 's'} ago`);

const daysOld = (days: number): string => (days < 1 ? 'less than a day old' : `${days} day${days === 1 ? '' : 's'} old`);

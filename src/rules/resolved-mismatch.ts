import { isFetchedPackage } from '../tree/queries.js';
import { resolvedSource } from '../npm/specs.js';
import { parseRegistryTarball, tryUrl } from '../npm/urls.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * Lockfile injection: an entry says `a@1.0.0` but its registry-style tarball URL fetches another package or
 * version. A `resolved` that npm cannot read (a URL that does not parse, an unsupported scheme) fails closed
 * instead of passing as fine.
 */
export const resolvedMismatch = defineRule({
  id: 'resolved-mismatch',
  description: 'The resolved tarball URL names another package or version than the lockfile entry, or does not parse.',
  defaultSeverity: 'critical',
  messages: {
    'resolved-mismatch': {
      message: (detail) =>
        `the lockfile entry's tarball URL fetches ${detail.urlName}${detail.urlVersion ? `@${detail.urlVersion}` : ''} instead: ${detail.resolved}`,
      hint: () => 'do not install: restore the lockfile from a trusted revision and regenerate it',
    },
    'unparsable-resolved': {
      message: (detail) => `its resolved "${detail.resolved}" does not parse as a URL, so what npm would fetch is unknown`,
      hint: () => 'do not install: restore the lockfile from a trusted revision and regenerate it',
    },
  },
  check({ tree }) {
    const findings: RuleFinding[] = [];
    for (const node of tree.nodes.values()) {
      if (!isFetchedPackage(node) || node.resolved === undefined) continue;
      const source = resolvedSource(node.name, node.resolved);
      if (source.type === 'invalid') {
        findings.push({ node, detail: { code: 'unparsable-resolved', resolved: node.resolved }, severity: 'high' });
        continue;
      }
      if (source.type !== 'tarball') continue;
      const named = parseRegistryTarball(tryUrl(node.resolved)!);
      if (!named) continue;
      const sameVersion = node.version === undefined || named.version === node.version;
      if (named.name === node.name && sameVersion) continue;
      findings.push({
        node,
        detail: { code: 'resolved-mismatch', resolved: node.resolved, urlName: named.name, urlVersion: named.version },
      });
    }
    return findings;
  },
});

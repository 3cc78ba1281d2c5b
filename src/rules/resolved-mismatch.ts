import { askedFromRegistry, isFetchedPackage } from '../tree/queries.js';
import { onTrustedHost } from '../npm/registries.js';
import { resolvedSource } from '../npm/specs.js';
import { hostOf, parseRegistryTarball, tryUrl } from '../npm/urls.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * Lockfile injection: an entry says `a@1.0.0` but its registry-style tarball URL fetches another package or
 * version, or, on the registry's own host (or an allowed one), a file that is no package's tarball at all
 * (`<registry>/uploads/payload.tgz`): the host check passes, and the integrity is the payload's own. A `resolved`
 * that npm cannot read (a URL that does not parse, an unsupported scheme) fails closed instead of passing as fine.
 */
export const resolvedMismatch = defineRule({
  id: 'resolved-mismatch',
  description: 'The resolved URL names another package, version or file than the lockfile entry, or does not parse.',
  defaultSeverity: 'critical',
  messages: {
    'resolved-mismatch': {
      message: (detail) =>
        `the lockfile entry's tarball URL fetches ${detail.urlName}${detail.urlVersion ? `@${detail.urlVersion}` : ''} instead: ${detail.resolved}`,
      hint: () => 'do not install: restore the lockfile from a trusted revision and regenerate it',
    },
    'resolved-not-tarball': {
      message: (detail) =>
        `its resolved URL is on the registry host ${detail.host} but names no tarball of this package (…/<name>/-/<name>-<version>.tgz): ${detail.resolved}`,
      hint: () => 'do not install: restore the lockfile from a trusted revision and regenerate it',
    },
    'unparsable-resolved': {
      message: (detail) => `its resolved "${detail.resolved}" does not parse as a URL, so what npm would fetch is unknown`,
      hint: () => 'do not install: restore the lockfile from a trusted revision and regenerate it',
    },
  },
  check({ tree, registries }) {
    const findings: RuleFinding[] = [];
    for (const node of tree.nodes.values()) {
      if (!isFetchedPackage(node) || node.resolved === undefined) continue;
      const source = resolvedSource(node.name, node.resolved);
      if (source.type === 'invalid') {
        findings.push({ node, detail: { code: 'unparsable-resolved', resolved: node.resolved }, severity: 'high' });
        continue;
      }
      if (source.type !== 'tarball') continue;
      const url = tryUrl(node.resolved)!;
      const named = parseRegistryTarball(url);
      if (!named) {
        // A URL on another host is foreign-registry's finding; a URL a dependent asked for is url-dependency's.
        if (askedFromRegistry(node) && onTrustedHost(node.name, url, registries)) {
          findings.push({ node, detail: { code: 'resolved-not-tarball', resolved: node.resolved, host: hostOf(url) } });
        }
        continue;
      }
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

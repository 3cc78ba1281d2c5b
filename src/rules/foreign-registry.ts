import { askedFromRegistry, isFetchedPackage } from '../tree/queries.js';
import { expectedRegistryHost, onTrustedHost } from '../npm/registries.js';
import { hostOf, tryUrl } from '../npm/urls.js';
import { defineRule, type RuleFinding } from './types.js';

/**
 * A registry package whose tarball comes from a host other than the registry npm is configured to use for
 * it (scoped registries included) or a host the policy allows: a swapped `resolved` in a lockfile.
 */
export const foreignRegistry = defineRule({
  id: 'foreign-registry',
  description: 'A registry package resolves to a host other than the configured registry or an allowed host.',
  defaultSeverity: 'high',
  messages: {
    'foreign-registry': {
      message: (detail) => `resolved from ${detail.host}, not from the configured registry ${detail.expected} or an allowed host`,
      hint: () => 'reinstall from the configured registry, or add the host to allowedHosts',
    },
  },
  check({ tree, registries }) {
    const findings: RuleFinding[] = [];
    for (const node of tree.nodes.values()) {
      if (!isFetchedPackage(node) || node.resolved === undefined || !askedFromRegistry(node)) continue;
      const url = tryUrl(node.resolved);
      if (!url || !/^https?:$/.test(url.protocol) || onTrustedHost(node.name, url, registries)) continue;
      findings.push({ node, detail: { code: 'foreign-registry', host: hostOf(url), expected: expectedRegistryHost(node.name, registries) } });
    }
    return findings;
  },
});

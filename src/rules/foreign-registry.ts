import { isFetchedPackage } from '../tree/queries.js';
import { registryFor } from '../npm/registries.js';
import { specType } from '../npm/specs.js';
import { hostOf, tryUrl } from '../npm/urls.js';
import type { PackageNode } from '../tree/model.js';
import type { RegistrySettings } from '../npm/registries.js';
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
      if (!isFetchedPackage(node) || node.resolved === undefined || !fromRegistry(node)) continue;
      const url = tryUrl(node.resolved);
      if (!url || !/^https?:$/.test(url.protocol)) continue;
      const expected = expectedRegistry(node.name, registries);
      const host = hostOf(url);
      if (host === expected || registries.allowedHosts.some((allowed) => allowed.toLowerCase() === host)) continue;
      findings.push({ node, detail: { code: 'foreign-registry', host, expected } });
    }
    return findings;
  },
});

/**
 * No dependent asked for a URL, git or local source (those are other rules'): a registry version, nothing
 * known, or a spec npm cannot read, whose tarball host must then be the registry's too (fail closed).
 */
function fromRegistry(node: PackageNode): boolean {
  return node.edgesIn.every((edge) => {
    const kind = specType(edge.name, edge.spec);
    return kind === 'registry' || kind === 'invalid';
  });
}

function expectedRegistry(name: string, registries: RegistrySettings): string {
  const registry = registryFor(name, registries);
  return tryUrl(registry) ? hostOf(new URL(registry)) : registry;
}

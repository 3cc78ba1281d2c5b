import { declarerOf, isProjectNode } from './support/edges.js';
import { classifySpec } from './support/specs.js';
import type { RegistrySettings, Rule, RuleFinding } from './types.js';

/**
 * A direct dependency whose name the public registry had never seen when the name record was taken: a
 * hallucinated name anyone can register, a package removed for malware, a private package, or one published
 * since. The record speaks only for the public registry: names npm fetches from another registry (a
 * private one, or a scope's own) are that registry's business. High for names not installed yet (`vet`),
 * medium for locked ones (they resolved somewhere).
 */
export const unregisteredName: Rule = {
  id: 'unregistered-name',
  description: 'A direct dependency does not exist on the public registry (offline record): anyone can register it.',
  defaultSeverity: 'high',
  codes: ['unregistered-name'],
  check({ tree, names, registries }) {
    const findings: RuleFinding[] = [];
    for (const from of tree.nodes.values()) {
      if (!isProjectNode(from)) continue;
      for (const edge of from.edgesOut.values()) {
        const kind = classifySpec(edge.name, edge.spec);
        if (kind.type !== 'registry' || !edge.to) continue;
        if (!fromPublicRegistry(kind.realName, registries) || names.isRegistered(kind.realName)) continue;
        findings.push({
          node: edge.to,
          severity: edge.to.version === undefined ? 'high' : 'medium',
          detail: { code: 'unregistered-name', countsDate: names.meta.countsDate, declaredBy: declarerOf(from) },
        });
      }
    }
    return findings;
  },
};

function fromPublicRegistry(name: string, registries: RegistrySettings): boolean {
  const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined;
  const registry = (scope && registries.scopes.get(scope)) || registries.registry;
  const normalize = (url: string): string => url.replace(/\/+$/, '').toLowerCase();
  return normalize(registry) === normalize(registries.publicRegistry);
}

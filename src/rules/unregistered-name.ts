import { declarerOf, isProjectNode } from './support/edges.js';
import { classifySpec } from './support/specs.js';
import type { Rule, RuleFinding } from './types.js';

/**
 * A direct dependency whose name the public registry had never seen when the name record was taken: a
 * hallucinated name anyone can register, a package removed for malware, a private package, or one published
 * since. Scopes with their own configured registry are private by definition and skipped. High for names
 * not installed yet (`vet`), medium for locked ones (they resolved somewhere).
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
        const scope = kind.realName.startsWith('@') ? kind.realName.slice(0, kind.realName.indexOf('/')) : undefined;
        if ((scope && registries.scopes.has(scope)) || names.isRegistered(kind.realName)) continue;
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
